package org.latchkey.daemon;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.latchkey.testing.TestDoor;

/** A simulated door's config and tokens for it, an HTTP client, and real latchkeyd processes, for tests of the daemon. */
public final class DaemonFixture {
    private static final Pattern READY = Pattern.compile("ready on http://127\\.0\\.0\\.1:(\\d+)");

    /** A latchkeyd in a process of its own (java from this JVM, this class path), on a free port. */
    static final class Daemon implements AutoCloseable {
        final Process process;
        final int port;
        final Path stderr;

        private Daemon(Process process, int port, Path stderr) {
            this.process = process;
            this.port = port;
            this.stderr = stderr;
        }

        /**
         * Starts one and waits until it serves; fails with its log if it exits first. The daemon's class path is this
         * JVM's, or {@code -Dlatchkey.daemon.classpath} (to replay a test against another build, e.g. a release).
         */
        static Daemon start(Path config, Path stderr) throws Exception {
            String java = ProcessHandle.current().info().command().orElse("java");
            String classPath = System.getProperty("latchkey.daemon.classpath", System.getProperty("java.class.path"));
            Process p = new ProcessBuilder(List.of(java, "--enable-native-access=ALL-UNNAMED", "-cp",
                    classPath, "org.latchkey.daemon.Latchkeyd", "--config", config.toString(),
                    "--simulate", "--port", "0"))
                    .redirectError(stderr.toFile())
                    .start();
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            CompletableFuture<Integer> port = CompletableFuture.supplyAsync(() -> {
                try {
                    String line;
                    while ((line = out.readLine()) != null) {
                        Matcher m = READY.matcher(line);
                        if (m.find()) {
                            return Integer.parseInt(m.group(1));
                        }
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                throw new IllegalStateException("latchkeyd exited before it was ready");
            });
            try {
                return new Daemon(p, port.get(60, TimeUnit.SECONDS), stderr);
            } catch (ExecutionException e) {
                p.destroyForcibly();
                throw new AssertionError(e.getCause().getMessage() + "; its log:\n" + Files.readString(stderr), e);
            }
        }

        /** SIGKILL: no shutdown hook, no flush. */
        void kill9() throws InterruptedException {
            process.destroyForcibly();
            if (!process.waitFor(10, TimeUnit.SECONDS) || process.exitValue() != 137) {
                throw new AssertionError("not killed");
            }
        }

        /** SIGTERM: the orderly stop; the exit code the unit counts as success. */
        void term() throws InterruptedException {
            process.destroy();
            if (!process.waitFor(20, TimeUnit.SECONDS) || process.exitValue() != 143) {
                throw new AssertionError("did not stop cleanly");
            }
        }

        @Override
        public void close() {
            process.destroyForcibly();
        }
    }
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** A simulated door with short waits, its state in {@code dir/state}. */
    static Path writeConfig(Path dir) throws IOException {
        return TestDoor.config()
                .set("state_dir = \"state\"")
                .table("""
                        [door]
                        unlock_wait = "5s"
                        relock_delay = "0s"
                        camera_post_roll = "0s"
                        """)
                .table("""
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
