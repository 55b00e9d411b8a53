package org.latchkey.bench;

import org.latchkey.testing.DaemonProcess;
import org.latchkey.testing.TestDoor;
import org.latchkey.token.AccessClaims;
import org.latchkey.token.AccessTokens;
import org.latchkey.token.Role;
import org.latchkey.token.SigningKey;
import org.latchkey.token.Use;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Measures a real latchkeyd process on the simulated door: start to ready, RSS and CPU at rest, and
 * the time from POST /v1/access to the answer (which is sent right after the unlock command),
 * unloaded and while another client floods 10,000 malformed tokens. Run: java -cp benchmarks.jar
 * org.latchkey.bench.DaemonBenchmark
 */
public final class DaemonBenchmark {
    /**
     * The daemon's JVM options as its launchers give them to this JVM: read from the one list they
     * share, provisioning/src/deb/bin/latchkeyd.jvm-options (run from the checkout's top).
     */
    static final List<String> LAUNCHER_OPTIONS =
            System.getProperty("latchkey.daemon.options") != null
                    // another set to compare, e.g. -Dlatchkey.daemon.options="-XX:+UseSerialGC
                    // -Xmx96m"
                    ? List.of(System.getProperty("latchkey.daemon.options").strip().split("\\s+"))
                    : org.latchkey.testing.DaemonJvmOptions.read(
                            Path.of("provisioning/src/deb/bin/latchkeyd.jvm-options"),
                            Runtime.version().feature());

    private static final int CYCLES = 200;
    private static final int FLOOD = 10_000;
    private static final int FLOOD_ROUNDS = 5;
    static final HttpClient HTTP = HttpClient.newHttpClient();

    private DaemonBenchmark() {}

    public static void main(String[] args) throws Exception {
        Path dir = Files.createTempDirectory("latchkey-bench");
        SigningKey courier = TestDoor.COURIER;
        Path config =
                TestDoor.config()
                        .set("state_dir = \"state\"")
                        .table(
                                "[door]\n"
                                        + "unlock_wait = \"5s\"\n"
                                        + "relock_delay = \"0s\"\n"
                                        + "camera_post_roll = \"0s\"")
                        .table(
                                "[hal]\n"
                                        + "driver = \"simulated\"\n\n"
                                        + "[hal.bolt]\n"
                                        + "travel_time = \"100ms\"")
                        .write(dir);

        List<Double> startMs = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            long t0 = System.nanoTime();
            DaemonProcess d =
                    DaemonProcess.start(config, dir.resolve("latchkeyd.log"), LAUNCHER_OPTIONS);
            startMs.add((System.nanoTime() - t0) / 1e6);
            d.process.destroy();
            d.process.waitFor();
        }
        DaemonProcess d =
                DaemonProcess.start(config, dir.resolve("latchkeyd.log"), LAUNCHER_OPTIONS);
        awaitState(d.port, "LOCKED");
        Thread.sleep(10_000);
        long rssKb = rssKb(d.process.pid());
        long cpu0 = cpuTicks(d.process.pid());
        Thread.sleep(30_000);
        double idleCpuPercent = (cpuTicks(d.process.pid()) - cpu0) / 100.0 / 30.0 * 100.0;

        List<Double> unloaded = cycles(d.port, courier, CYCLES);
        AtomicInteger sent = new AtomicInteger();
        AtomicInteger limited = new AtomicInteger();
        List<Double> loaded = new ArrayList<>();
        double floodSeconds = 0;
        for (int round = 0; round < FLOOD_ROUNDS; round++) {
            Thread flood =
                    Thread.ofPlatform()
                            .start(
                                    () -> {
                                        HttpClient other = HttpClient.newHttpClient();
                                        for (int i = 0; i < FLOOD; i++) {
                                            try {
                                                HttpResponse<String> r =
                                                        post(
                                                                other,
                                                                d.port,
                                                                "/v1/access",
                                                                "v4.public.flood-"
                                                                        + i
                                                                        + "-"
                                                                        + "A".repeat(200));
                                                sent.incrementAndGet();
                                                if (r.statusCode() == 429) {
                                                    limited.incrementAndGet();
                                                }
                                            } catch (Exception e) {
                                                return;
                                            }
                                        }
                                    });
            long floodStart = System.nanoTime();
            while (flood.isAlive()) {
                loaded.addAll(cycles(d.port, courier, 1));
            }
            floodSeconds += (System.nanoTime() - floodStart) / 1e9;
        }
        long rssAfterKb = rssKb(d.process.pid());
        d.process.destroy();
        d.process.waitFor();

        System.out.printf("%n| measure | value |%n|---|---|%n");
        System.out.printf(
                "| start to ready (median of 5 process launches) | %.0f ms |%n", median(startMs));
        System.out.printf("| RSS at rest (10 s after ready) | %.1f MiB |%n", rssKb / 1024.0);
        System.out.printf("| CPU at rest (30 s) | %.2f %% of one core |%n", idleCpuPercent);
        System.out.printf(
                "| POST /v1/access → answer after unlock command, unloaded (n=%d) | median %.2f ms,"
                        + " p99 %.2f ms |%n",
                unloaded.size(), median(unloaded), p99(unloaded));
        System.out.printf(
                "| same while another client floods 10,000 malformed tokens (%d floods, n=%d) |"
                        + " median %.2f ms, p99 %.2f ms |%n",
                FLOOD_ROUNDS, loaded.size(), median(loaded), p99(loaded));
        System.out.printf(
                "| floods: time, answered 429 | %.1f s (%.0f requests/s), %d of %d |%n",
                floodSeconds, sent.get() / floodSeconds, limited.get(), sent.get());
        System.out.printf("| RSS after the runs | %.1f MiB |%n", rssAfterKb / 1024.0);
    }

    /** Grant, then a door cycle back to LOCKED, n times; returns the grant latencies in ms. */
    private static List<Double> cycles(int port, SigningKey courier, int n) throws Exception {
        List<Double> ms = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Instant now = Instant.now();
            String token =
                    AccessTokens.issue(
                            courier,
                            new AccessClaims(
                                    "parcel-co",
                                    TestDoor.DOOR_ID,
                                    "bench-" + System.nanoTime(),
                                    now.minusSeconds(5),
                                    now.minusSeconds(5),
                                    now.plusSeconds(3600),
                                    Use.ONCE,
                                    Role.DELIVERY,
                                    "bench"));
            long t0 = System.nanoTime();
            HttpResponse<String> r = post(HTTP, port, "/v1/access", token);
            double elapsed = (System.nanoTime() - t0) / 1e6;
            if (r.statusCode() != 200) {
                throw new IllegalStateException("grant refused: " + r.body());
            }
            ms.add(elapsed);
            awaitState(port, "UNLOCKED");
            post(HTTP, port, "/v1/sim/door", "open");
            post(HTTP, port, "/v1/sim/door", "close");
            awaitState(port, "LOCKED");
        }
        return ms;
    }

    static void awaitState(int port, String state) throws Exception {
        for (int i = 0; i < 2000; i++) {
            String s =
                    HTTP.send(
                                    HttpRequest.newBuilder(
                                                    URI.create(
                                                            "http://127.0.0.1:"
                                                                    + port
                                                                    + "/v1/status"))
                                            .build(),
                                    HttpResponse.BodyHandlers.ofString())
                            .body();
            if (s.contains("\"state\":\"" + state + "\"")
                    && (!state.equals("LOCKED") || s.contains("\"bolt\":\"LOCKED\""))) {
                return;
            }
            Thread.sleep(5);
        }
        throw new IllegalStateException("never reached " + state);
    }

    static HttpResponse<String> post(HttpClient client, int port, String path, String body)
            throws Exception {
        return client.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                        .header("Content-Type", "text/plain")
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    static long rssKb(long pid) throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D", ""));
            }
        }
        return -1;
    }

    private static long cpuTicks(long pid) throws Exception {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[11])
                + Long.parseLong(f[12]); // utime + stime, in clock ticks (100/s)
    }

    static double median(List<Double> xs) {
        List<Double> s = new ArrayList<>(xs);
        Collections.sort(s);
        return s.get(s.size() / 2);
    }

    static double p99(List<Double> xs) {
        List<Double> s = new ArrayList<>(xs);
        Collections.sort(s);
        return s.get(Math.min(s.size() - 1, (int) Math.ceil(s.size() * 0.99) - 1));
    }
}
