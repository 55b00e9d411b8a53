package org.latchkey.web;

import static org.latchkey.api.ApiServer.error;
import static org.latchkey.api.ApiServer.json;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;

import org.latchkey.access.AccessGate;
import org.latchkey.access.RateLimiter;
import org.latchkey.api.ApiServer;
import org.latchkey.token.Json;
import org.latchkey.token.SignedToken;
import org.tinylog.Logger;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * The owner's app on the home network ({@code [web]}), over HTTPS only. It serves the app's files,
 * the door card ({@code GET /card}) and takes signed revocation lists ({@code POST /revocations}: a
 * list can only take rights away) — nothing else that touches the door. Its own threads, so a slow
 * phone never holds up the API or the scanner.
 */
public final class WebServer implements AutoCloseable {
    /** Every answer: nothing but the door's own files, never inside another page's frame. */
    static final String CSP = "default-src 'self'; frame-ancestors 'none'";

    private static final int THREADS = 4;

    private final HttpsServer server;
    private final ExecutorService executor;
    private final AppFiles app;
    private final Supplier<Optional<String>> card;
    private final AccessGate gate;
    private final RateLimiter uploads;

    private WebServer(
            HttpsServer server,
            ExecutorService executor,
            AppFiles app,
            Supplier<Optional<String>> card,
            AccessGate gate,
            Supplier<Duration> monotonic) {
        this.server = server;
        this.executor = executor;
        this.app = app;
        this.card = card;
        this.gate = gate;
        this.uploads = new RateLimiter(1, monotonic);
    }

    /**
     * @throws IOException when the address cannot be bound
     */
    public static WebServer start(
            InetSocketAddress address,
            WebCertificate certificate,
            AppFiles app,
            Supplier<Optional<String>> card,
            AccessGate gate,
            Supplier<Duration> monotonic)
            throws IOException {
        ApiServer.limitTheJdkServer();
        HttpsServer https = HttpsServer.create(address, 32);
        https.setHttpsConfigurator(new HttpsConfigurator(tls(certificate)));
        AtomicInteger n = new AtomicInteger();
        ExecutorService executor =
                Executors.newFixedThreadPool(
                        THREADS,
                        r ->
                                Thread.ofPlatform()
                                        .daemon()
                                        .name("latchkeyd-web-" + n.incrementAndGet())
                                        .unstarted(r));
        https.setExecutor(executor);
        WebServer web = new WebServer(https, executor, app, card, gate, monotonic);
        https.createContext("/", web::dispatch);
        https.start();
        return web;
    }

    private static SSLContext tls(WebCertificate c) throws IOException {
        try {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            char[] none = new char[0];
            ks.setKeyEntry("web", c.keys().getPrivate(), none, new Certificate[] {c.certificate()});
            KeyManagerFactory kmf =
                    KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(ks, none);
            SSLContext ctx = SSLContext.getInstance("TLSv1.3");
            ctx.init(kmf.getKeyManagers(), null, null);
            return ctx;
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot set up TLS: " + e.getMessage(), e);
        }
    }

    public int port() {
        return server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    private void dispatch(HttpExchange ex) throws IOException {
        try (ex) {
            var h = ex.getResponseHeaders();
            h.set("Content-Security-Policy", CSP);
            h.set("X-Content-Type-Options", "nosniff");
            h.set("X-Frame-Options", "DENY");
            h.set("Referrer-Policy", "no-referrer");
            h.set("Cache-Control", "no-cache");
            String path = ex.getRequestURI().getRawPath();
            switch (path) {
                case "/revocations" -> revocations(ex);
                case "/card" -> {
                    if (readOnly(ex)) {
                        Optional<String> c = card.get();
                        if (c.isEmpty()) {
                            error(ex, 503, "NO_CARD", "this door has no identity yet");
                        } else {
                            send(
                                    ex,
                                    200,
                                    "text/plain; charset=utf-8",
                                    (c.get() + "\n").getBytes(StandardCharsets.US_ASCII));
                        }
                    }
                }
                default -> {
                    if (readOnly(ex)) {
                        file(ex, path.equals("/") ? "index.html" : path.substring(1));
                    }
                }
            }
        } catch (IOException e) {
            Logger.debug("web exchange ended early: {}", e.getMessage());
        } catch (RuntimeException e) {
            Logger.error(e, "web handler failed");
        }
    }

    private static boolean readOnly(HttpExchange ex) throws IOException {
        String m = ex.getRequestMethod();
        if (m.equals("GET") || m.equals("HEAD")) {
            return true;
        }
        discardBody(ex);
        ex.getResponseHeaders().set("Allow", "GET, HEAD");
        error(ex, 405, "METHOD_NOT_ALLOWED", "use GET");
        return false;
    }

    /**
     * Reads what a client sent that is not wanted (a bounded amount), so the connection stays in
     * step for its next request.
     */
    private static void discardBody(HttpExchange ex) throws IOException {
        try (InputStream in = ex.getRequestBody()) {
            in.readNBytes(SignedToken.MAX_DOCUMENT_BYTES);
        }
    }

    /** A file of the app, by its plain name: the raw path (no decoding) must be one. */
    private void file(HttpExchange ex, String name) throws IOException {
        Optional<AppFiles.File> f = app.file(name);
        if (f.isEmpty()) {
            error(ex, 404, "NOT_FOUND", "no such file");
            return;
        }
        send(ex, 200, f.get().type(), f.get().bytes());
    }

    private void revocations(HttpExchange ex) throws IOException {
        if (!ex.getRequestMethod().equals("POST")) {
            ex.getResponseHeaders().set("Allow", "POST");
            error(ex, 405, "METHOD_NOT_ALLOWED", "use POST");
            return;
        }
        String client = "web " + ex.getRemoteAddress().getAddress().getHostAddress();
        if (!uploads.allows(client)) {
            discardBody(ex);
            ObjectNode o = Json.object().put("installed", false).put("reason", "RATE_LIMITED");
            json(ex, 429, o.put("detail", "one list a second at most: try again in a moment"));
            return;
        }
        uploads.charge(client);
        Optional<String> body = ApiServer.textBody(ex, ApiServer.MAX_REVOCATION_BODY_BYTES);
        if (body.isPresent()) {
            ApiServer.answer(ex, gate.installRevocations(body.get(), client), "installed");
        }
    }

    private static void send(HttpExchange ex, int status, String type, byte[] bytes)
            throws IOException {
        ex.getResponseHeaders().set("Content-Type", type);
        if (ex.getRequestMethod().equals("HEAD")) {
            ex.sendResponseHeaders(status, -1);
            return;
        }
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }
}
