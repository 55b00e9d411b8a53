package org.latchkey.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.newsclub.net.unix.AFUNIXDatagramSocket;
import org.newsclub.net.unix.AFUNIXSocketAddress;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.DatagramPacket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * latchkeyd under a systemd-like environment: NOTIFY_SOCKET (a datagram socket this test binds, as
 * systemd does) and WATCHDOG_USEC set, JOURNAL_STREAM set. READY once serving, WATCHDOG pings while
 * healthy, STOPPING on SIGTERM, all sent by the daemon's own process (a systemd-notify on the PATH
 * would fail the test); log lines carry syslog priorities.
 */
class SystemdIntegrationTest {
    @TempDir Path dir;

    @Test
    void notifiesReadyWatchdogStopping_fromItsOwnProcess_andLogsWithPriorities() throws Exception {
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Path helperUsed = dir.resolve("systemd-notify-was-run");
        Path fake = bin.resolve("systemd-notify");
        Files.writeString(fake, "#!/bin/sh\ntouch '" + helperUsed + "'\n");
        Files.setPosixFilePermissions(fake, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path config = DaemonFixture.writeConfig(dir);
        Path socketPath = dir.resolve("notify.sock");
        List<String> messages = new CopyOnWriteArrayList<>();
        try (AFUNIXDatagramSocket systemd = AFUNIXDatagramSocket.newInstance()) {
            systemd.bind(AFUNIXSocketAddress.of(socketPath));
            systemd.setSoTimeout(200);
            java.util.concurrent.atomic.AtomicBoolean done =
                    new java.util.concurrent.atomic.AtomicBoolean();
            Thread receiver =
                    Thread.ofVirtual()
                            .start(
                                    () -> {
                                        byte[] buf = new byte[4096];
                                        while (!done.get()) {
                                            DatagramPacket packet =
                                                    new DatagramPacket(buf, buf.length);
                                            try {
                                                systemd.receive(packet);
                                            } catch (java.net.SocketTimeoutException e) {
                                                continue;
                                            } catch (java.io.IOException e) {
                                                return;
                                            }
                                            messages.add(
                                                    new String(
                                                            packet.getData(),
                                                            0,
                                                            packet.getLength(),
                                                            StandardCharsets.UTF_8));
                                        }
                                    });

            String java = ProcessHandle.current().info().command().orElse("java");
            ProcessBuilder pb =
                    new ProcessBuilder(
                            List.of(
                                    java,
                                    "--enable-native-access=ALL-UNNAMED",
                                    "-cp",
                                    System.getProperty("java.class.path"),
                                    "org.latchkey.daemon.Latchkeyd",
                                    "--config",
                                    config.toString(),
                                    "--simulate",
                                    "--port",
                                    "0"));
            pb.environment().put("PATH", bin + ":" + System.getenv("PATH"));
            pb.environment().put("NOTIFY_SOCKET", socketPath.toString());
            pb.environment().put("WATCHDOG_USEC", "400000"); // ping every 200 ms
            pb.environment().put("JOURNAL_STREAM", "8:12345");
            Path stderr = dir.resolve("stderr.txt");
            pb.redirectError(stderr.toFile());
            Process p = pb.start();
            try {
                BufferedReader out =
                        new BufferedReader(
                                new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
                Matcher m =
                        Pattern.compile("ready on http://127\\.0\\.0\\.1:(\\d+)")
                                .matcher(out.readLine());
                assertTrue(m.find());
                await(
                        () -> messages.stream().filter(x -> x.equals("WATCHDOG=1")).count() >= 2,
                        Duration.ofSeconds(10));
                p.destroy(); // SIGTERM
                assertTrue(p.waitFor(20, TimeUnit.SECONDS));
                assertEquals(143, p.exitValue(), "the unit's SuccessExitStatus=143");
                await(
                        () -> messages.stream().anyMatch(x -> x.startsWith("STOPPING=1")),
                        Duration.ofSeconds(5));
                assertEquals("READY=1\nSTATUS=serving", messages.get(0), messages.toString());
                assertFalse(
                        Files.exists(helperUsed),
                        "no helper process: systemd sees the main PID as the sender");
                List<String> log = Files.readAllLines(stderr);
                assertTrue(
                        log.stream().anyMatch(l -> l.startsWith("<6>latchkeyd serving front-door")),
                        log.toString());
                assertTrue(
                        log.stream().noneMatch(l -> !l.isEmpty() && !l.matches("<[3-7]>.*")),
                        "every line has a priority: " + log);
            } finally {
                p.destroyForcibly();
                done.set(true);
                receiver.join(5000);
            }
        }
    }

    @Test
    void watchdogForAnotherPid_isNotOurs() {
        SystemdNotify n =
                SystemdNotify.fromEnvironment(
                        java.util.Map.of(
                                "NOTIFY_SOCKET",
                                "/run/x",
                                "WATCHDOG_USEC",
                                "30000000",
                                "WATCHDOG_PID",
                                "1"));
        assertEquals(0, n.watchdogPingMillis());
        assertEquals(
                15000,
                SystemdNotify.fromEnvironment(
                                java.util.Map.of(
                                        "NOTIFY_SOCKET", "@abstract", "WATCHDOG_USEC", "30000000"))
                        .watchdogPingMillis());
        assertFalse(SystemdNotify.fromEnvironment(java.util.Map.of()).enabled());
    }

    private static void await(java.util.function.BooleanSupplier wanted, Duration timeout)
            throws Exception {
        long end = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < end) {
            if (wanted.getAsBoolean()) {
                return;
            }
            Thread.sleep(20); // polling what a real process sent
        }
        throw new AssertionError("never happened within " + timeout);
    }
}
