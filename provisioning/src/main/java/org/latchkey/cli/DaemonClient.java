package org.latchkey.cli;

import org.latchkey.config.DeviceConfig;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Optional;

/** Talks to a running latchkeyd's local API. */
final class DaemonClient {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
    private final URI base;

    DaemonClient(URI base) {
        this.base = base;
    }

    /** {@code --url} if given, else the config's [api] address, else the default. */
    static URI baseUrl(Optional<String> url, Optional<DeviceConfig> config) throws CliException {
        if (url.isPresent()) {
            try {
                URI u = URI.create(url.get());
                if (!"http".equals(u.getScheme()) || u.getHost() == null) {
                    throw new IllegalArgumentException();
                }
                return u;
            } catch (IllegalArgumentException e) {
                throw CliException.usage(
                        "--url: '" + url.get() + "' is not an http://host:port URL");
            }
        }
        String host = config.map(c -> c.api().bind()).orElse("127.0.0.1");
        int port = config.map(c -> c.api().port()).orElse(8787);
        return URI.create("http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port);
    }

    /** The response, or empty when no daemon answers at this address. */
    Optional<HttpResponse<String>> get(String path) throws CliException {
        return send(HttpRequest.newBuilder(base.resolve(path)).timeout(TIMEOUT).GET().build());
    }

    Optional<HttpResponse<String>> post(String path, String body) throws CliException {
        return send(
                HttpRequest.newBuilder(base.resolve(path))
                        .timeout(TIMEOUT)
                        .header("Content-Type", "text/plain")
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build());
    }

    /**
     * The daemon's JSON answer when it took the request (200); else its refusal, as the door's
     * reason (exit 3) when it names one, or as a failure.
     *
     * @param what for the message: "the clock reset", "the list", …
     */
    static com.fasterxml.jackson.databind.JsonNode accepted(HttpResponse<String> sent, String what)
            throws CliException, org.latchkey.token.TokenRejectedException {
        com.fasterxml.jackson.databind.JsonNode answer;
        try {
            answer = org.latchkey.token.Json.read(sent.body());
        } catch (IOException e) {
            throw CliException.failed(
                    "latchkeyd's answer is not JSON: "
                            + sent.statusCode()
                            + " "
                            + Terminal.escape(sent.body().strip()));
        }
        if (sent.statusCode() == 200) {
            return answer;
        }
        String reason = answer.path("reason").asText("");
        if (knownReason(reason)) {
            throw new org.latchkey.token.TokenRejectedException(
                    org.latchkey.token.RejectionReason.valueOf(reason),
                    Terminal.escape(answer.path("detail").asText()));
        }
        throw CliException.failed(
                "latchkeyd refused "
                        + what
                        + ": "
                        + sent.statusCode()
                        + " "
                        + Terminal.escape(sent.body().strip()));
    }

    /** A POST authorised by an owner token ({@code Authorization: Bearer}). */
    Optional<HttpResponse<String>> post(String path, String body, String bearer)
            throws CliException {
        return send(
                HttpRequest.newBuilder(base.resolve(path))
                        .timeout(TIMEOUT)
                        .header("Content-Type", "text/plain")
                        .header("Authorization", "Bearer " + bearer)
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build());
    }

    URI base() {
        return base;
    }

    private Optional<HttpResponse<String>> send(HttpRequest request) throws CliException {
        try {
            return Optional.of(http.send(request, HttpResponse.BodyHandlers.ofString()));
        } catch (ConnectException e) {
            return Optional.empty();
        } catch (HttpTimeoutException e) {
            throw CliException.failed(
                    "latchkeyd at "
                            + base
                            + " did not answer within "
                            + TIMEOUT.toSeconds()
                            + " s");
        } catch (IOException e) {
            throw CliException.failed(
                    "cannot talk to latchkeyd at " + base + ": " + IoProblems.describe(e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw CliException.failed("interrupted");
        }
    }

    /**
     * Whether a refusal's reason is one this command knows: anything else the daemon (or whatever
     * answers on its port) says is shown escaped as a failure, never taken for a reason.
     */
    static boolean knownReason(String reason) {
        for (org.latchkey.token.RejectionReason r : org.latchkey.token.RejectionReason.values()) {
            if (r.name().equals(reason)) {
                return true;
            }
        }
        return false;
    }
}
