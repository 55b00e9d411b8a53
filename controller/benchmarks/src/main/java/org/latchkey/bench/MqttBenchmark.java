package org.latchkey.bench;

import org.latchkey.testing.DaemonProcess;
import org.latchkey.testing.Mosquitto;
import org.latchkey.testing.MqttProbe;
import org.latchkey.testing.TestDoor;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The MQTT bridge, measured from the outside: a real mosquitto (TLS, password, ACL), a latchkeyd
 * process on the simulated door, and a subscriber on the same broker. Over 200 door cycles: from
 * the request that changes the door (a grant, the door opening) to the subscriber receiving the
 * state message that shows it. And the daemon's memory with the bridge off and on. Run: java -cp
 * benchmarks.jar org.latchkey.bench.MqttBenchmark (needs mosquitto installed).
 */
public final class MqttBenchmark {
    private static final int CYCLES = 200;

    private MqttBenchmark() {}

    public static void main(String[] args) throws Exception {
        Path dir = Files.createTempDirectory("latchkey-mqtt-bench");
        try (Mosquitto broker = Mosquitto.start(Files.createDirectories(dir.resolve("broker")))) {
            Path off = config(dir.resolve("off"), "");
            Path password =
                    Mosquitto.passwordFile(
                            Files.createDirectories(dir.resolve("on")),
                            "pw",
                            Mosquitto.DOOR_PASSWORD);
            Path on =
                    config(
                            dir.resolve("on"),
                            "[mqtt]\nurl = \"mqtts://localhost:"
                                    + broker.tlsPort()
                                    + "\"\nusername = \""
                                    + Mosquitto.DOOR_USER
                                    + "\"\npassword_file = \""
                                    + password
                                    + "\"\nca_file = \""
                                    + broker.caFile()
                                    + "\"\ntopic_prefix = \"latchkey/bench\"\n");

            long rssOff = restingRss(off, dir.resolve("off.log"));
            DaemonProcess d =
                    DaemonProcess.start(
                            on, dir.resolve("on.log"), DaemonBenchmark.LAUNCHER_OPTIONS);
            try (MqttProbe probe =
                    MqttProbe.connect(broker, Mosquitto.HASS_USER, Mosquitto.HASS_PASSWORD)) {
                probe.subscribe("latchkey/bench/state");
                probe.await(
                        "latchkey/bench/state",
                        0,
                        s -> s.contains("\"lock\":\"locked\""),
                        Duration.ofSeconds(30));
                DaemonBenchmark.awaitState(d.port, "LOCKED");
                Thread.sleep(10_000);
                long rssOn = DaemonBenchmark.rssKb(d.process.pid());
                List<Double> grant = new ArrayList<>();
                List<Double> opened = new ArrayList<>();
                for (int i = 0; i < CYCLES; i++) {
                    int from = probe.on("latchkey/bench/state").size();
                    long t0 = System.nanoTime();
                    HttpResponse<String> r =
                            DaemonBenchmark.post(
                                    DaemonBenchmark.HTTP,
                                    d.port,
                                    "/v1/access",
                                    TestDoor.courierOnce());
                    if (r.statusCode() != 200) {
                        throw new IllegalStateException("grant refused: " + r.body());
                    }
                    probe.await(
                            "latchkey/bench/state",
                            from,
                            s ->
                                    s.contains("\"lock\":\"unlocking\"")
                                            || s.contains("\"lock\":\"unlocked\""),
                            Duration.ofSeconds(10));
                    grant.add((System.nanoTime() - t0) / 1e6);
                    DaemonBenchmark.awaitState(d.port, "UNLOCKED");
                    from = probe.on("latchkey/bench/state").size();
                    t0 = System.nanoTime();
                    DaemonBenchmark.post(DaemonBenchmark.HTTP, d.port, "/v1/sim/door", "open");
                    probe.await(
                            "latchkey/bench/state",
                            from,
                            s -> s.contains("\"lock\":\"open\""),
                            Duration.ofSeconds(10));
                    opened.add((System.nanoTime() - t0) / 1e6);
                    DaemonBenchmark.post(DaemonBenchmark.HTTP, d.port, "/v1/sim/door", "close");
                    DaemonBenchmark.awaitState(d.port, "LOCKED");
                }
                long rssAfter = DaemonBenchmark.rssKb(d.process.pid());
                System.out.printf("%n| measure | value |%n|---|---|%n");
                System.out.printf(
                        "| POST /v1/access sent → state `unlocking` received by a subscriber (n=%d)"
                                + " | median %.2f ms, p99 %.2f ms |%n",
                        grant.size(), DaemonBenchmark.median(grant), DaemonBenchmark.p99(grant));
                System.out.printf(
                        "| door opened (POST /v1/sim/door) → state `open` received (n=%d) | median"
                                + " %.2f ms, p99 %.2f ms |%n",
                        opened.size(), DaemonBenchmark.median(opened), DaemonBenchmark.p99(opened));
                System.out.printf("| RSS at rest, bridge off | %.1f MiB |%n", rssOff / 1024.0);
                System.out.printf(
                        "| RSS at rest, bridge on and connected | %.1f MiB |%n", rssOn / 1024.0);
                System.out.printf(
                        "| RSS after %d cycles, bridge on | %.1f MiB |%n",
                        CYCLES, rssAfter / 1024.0);
            } finally {
                d.process.destroy();
                d.process.waitFor();
            }
        }
    }

    private static Path config(Path dir, String mqtt) throws Exception {
        Files.createDirectories(dir);
        TestDoor.Config c =
                TestDoor.config()
                        .set("state_dir = \"state\"")
                        .table(
                                "[door]\nunlock_wait = \"5s\"\nrelock_delay = \"0s\"\n"
                                        + "camera_post_roll = \"0s\"")
                        .table(
                                "[hal]\n"
                                        + "driver = \"simulated\"\n\n"
                                        + "[hal.bolt]\n"
                                        + "travel_time = \"100ms\"");
        if (!mqtt.isEmpty()) {
            c = c.table(mqtt);
        }
        return c.write(dir);
    }

    private static long restingRss(Path config, Path log) throws Exception {
        DaemonProcess d = DaemonProcess.start(config, log, DaemonBenchmark.LAUNCHER_OPTIONS);
        try {
            DaemonBenchmark.awaitState(d.port, "LOCKED");
            Thread.sleep(10_000);
            return DaemonBenchmark.rssKb(d.process.pid());
        } finally {
            d.process.destroy();
            d.process.waitFor();
        }
    }
}
