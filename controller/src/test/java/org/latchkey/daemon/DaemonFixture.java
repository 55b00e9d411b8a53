package org.latchkey.daemon;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Predicate;
import org.latchkey.token.AccessClaims;
import org.latchkey.token.AccessTokens;
import org.latchkey.token.Role;
import org.latchkey.token.SigningKey;
import org.latchkey.token.Use;

/** A simulated door's config and tokens for it, and an HTTP client, for tests of the real daemon. */
public final class DaemonFixture {
    public static final SigningKey OWNER = SigningKey.fromSeed(seed(21));
    public static final SigningKey COURIER = SigningKey.fromSeed(seed(22));
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static int counter;

    private static byte[] seed(int n) {
        byte[] s = new byte[32];
        s[0] = (byte) n;
        s[5] = 7;
        return s;
    }

    static Path writeConfig(Path dir) throws IOException {
        Path config = dir.resolve("latchkey.toml");
        Files.writeString(config, """
                lock_id = "front-door"
                state_dir = "state"

                [door]
                unlock_wait = "5s"
                relock_delay = "0s"
                camera_post_roll = "0s"

                [hal]
                driver = "simulated"

                [hal.bolt]
                travel_time = "100ms"

                [[issuers]]
                name = "owner"
                public_key = "%s"
                roles = ["owner"]
                max_window = "30d"

                [[issuers]]
                name = "parcel-co"
                public_key = "%s"
                roles = ["delivery"]
                max_window = "4h"
                """.formatted(OWNER.publicKey().paserk(), COURIER.publicKey().paserk()));
        return config;
    }

    static String courierOnce() {
        counter++;
        Instant now = Instant.now();
        return AccessTokens.issue(COURIER, new AccessClaims("parcel-co", "front-door",
                String.format("e2e-%s-%04d", Long.toHexString(now.toEpochMilli()), counter), now.minusSeconds(5),
                now.minusSeconds(5), now.plus(Duration.ofHours(1)), Use.ONCE, Role.DELIVERY, "order " + counter));
    }

    HttpResponse<String> post(int port, String path, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> get(int port, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** Polls the status until it matches; the daemon runs in real time, so this waits (bounded), never sleeps blind. */
    String awaitStatus(int port, Predicate<String> wanted, Duration timeout) throws Exception {
        long end = System.nanoTime() + timeout.toNanos();
        String last = "";
        while (System.nanoTime() < end) {
            last = get(port, "/v1/status").body();
            if (wanted.test(last)) {
                return last;
            }
            Thread.onSpinWait();
            Thread.sleep(20); // polling interval for a real process, not a wait for an outcome
        }
        throw new AssertionError("status never matched within " + timeout + "; last: " + last);
    }
}
