package org.latchkey.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * latchkeyd under a systemd-like environment: NOTIFY_SOCKET and WATCHDOG_USEC set, a recording
 * {@code systemd-notify} first on the PATH, JOURNAL_STREAM set. READY once serving, WATCHDOG pings while
 * healthy, STOPPING on SIGTERM; log lines carry syslog priorities.
 */
class SystemdIntegrationTest {
    @TempDir
    Path dir;

    @Test
    void notifiesReadyWatchdogStopping_andLogsWithPriorities() throws Exception {
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Path calls = dir.resolve("notify-calls.txt");
        Path fake = bin.resolve("systemd-notify");
        Files.writeString(fake, "#!/bin/sh\necho \"$*\" >> '" + calls + "'\n");
        Files.setPosixFilePermissions(fake, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path config = DaemonFixture.writeConfig(dir);

        String java = ProcessHandle.current().info().command().orElse("java");
        ProcessBuilder pb = new ProcessBuilder(List.of(java, "-cp", System.getProperty("java.class.path"),
                "org.latchkey.daemon.Latchkeyd", "--config", config.toString(), "--simulate", "--port", "0"));
        pb.environment().put("PATH", bin + ":" + System.getenv("PATH"));
        pb.environment().put("NOTIFY_SOCKET", "/run/systemd/notify-test");
        pb.environment().put("WATCHDOG_USEC", "400000"); // ping every 200 ms
        pb.environment().put("JOURNAL_STREAM", "8:12345");
        Path stderr = dir.resolve("stderr.txt");
        pb.redirectError(stderr.toFile());
        Process p = pb.start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            Matcher m = Pattern.compile("ready on http://127\\.0\\.0\\.1:(\\d+)").matcher(out.readLine());
            assertTrue(m.find());
            long pid = p.pid();
            awaitLines(calls, l -> l.contains("WATCHDOG=1"), Duration.ofSeconds(10));
            p.destroy(); // SIGTERM
            assertTrue(p.waitFor(20, TimeUnit.SECONDS));
            assertEquals(143, p.exitValue(), "the unit's SuccessExitStatus=143");
            List<String> lines = Files.readAllLines(calls);
            assertTrue(lines.get(0).startsWith("--pid=" + pid + " --ready"), lines.toString());
            assertTrue(lines.stream().anyMatch(l -> l.equals("--pid=" + pid + " STOPPING=1")), lines.toString());
            List<String> log = Files.readAllLines(stderr);
            assertTrue(log.stream().anyMatch(l -> l.startsWith("<6>latchkeyd serving front-door")), log.toString());
            assertTrue(log.stream().noneMatch(l -> !l.isEmpty() && !l.matches("<[3-7]>.*")), "every line has a priority: " + log);
        } finally {
            p.destroyForcibly();
        }
    }

    private static void awaitLines(Path file, java.util.function.Predicate<String> wanted, Duration timeout) throws Exception {
        long end = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < end) {
            if (Files.exists(file) && new ArrayList<>(Files.readAllLines(file)).stream().anyMatch(wanted)) {
                return;
            }
            Thread.sleep(50); // polling a real process's output file
        }
        throw new AssertionError("never seen in " + file);
    }
}
