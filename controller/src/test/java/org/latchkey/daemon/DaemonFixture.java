package org.latchkey.daemon;

import org.latchkey.testing.TestDoor;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Predicate;

/**
 * A simulated door's config and tokens for it, and an HTTP client, for tests of the real daemon.
 */
public final class DaemonFixture {
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** A simulated door with short waits, its state in {@code dir/state}. */
    static Path writeConfig(Path dir) throws IOException {
        return TestDoor.config()
                .set("state_dir = \"state\"")
                .table(
                        """
                        [door]
                        unlock_wait = "5s"
                        relock_delay = "0s"
                        camera_post_roll = "0s"
                        """)
                .table(
                        """
                        [hal]
                        driver = "simulated"

                        [hal.bolt]
                        travel_time = "100ms"
                        """)
                .write(dir);
    }

    static String courierOnce() {
        return TestDoor.courierOnce();
    }

    HttpResponse<String> post(int port, String path, String body) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                        .header("Content-Type", "text/plain")
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> get(int port, String path) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /**
     * Polls the status until it matches; the daemon runs in real time, so this waits (bounded),
     * never sleeps blind.
     */
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
