package org.latchkey.pkg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.latchkey.testing.DaemonJvmOptions;
import org.latchkey.testing.DaemonProcess;
import org.latchkey.testing.TestDoor;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The daemon's JVM options, one list for both launchers and the benchmarks: an option only newer
 * JVMs know goes only to them (Java 21 refuses to start on one it does not know — stage two caught
 * that once), and a normal run on them prints no JVM or library warning.
 */
class DaemonJvmOptionsTest {
    static final Path OPTIONS = Path.of("src/deb/bin/latchkeyd.jvm-options");

    @TempDir Path dir;

    @Test
    void optionsOnlyNewerJvmsKnow_goOnlyToThem() {
        List<String> on21 = DaemonJvmOptions.read(OPTIONS, 21);
        List<String> on25 = DaemonJvmOptions.read(OPTIONS, 25);
        assertTrue(on21.contains("-Xmx96m") && on21.contains("-XX:+UseSerialGC"), on21.toString());
        assertFalse(on21.contains("-XX:+UseCompactObjectHeaders"), "a Java 24+ option");
        assertTrue(on25.contains("-XX:+UseCompactObjectHeaders"), on25.toString());
        assertTrue(on21.stream().allMatch(o -> o.startsWith("-")), on21.toString());
    }

    /**
     * The launchers' own reader (latchkey-cli-cache, under their set -euo pipefail) on a Java 21
     * and a Java 25: the same list as above, and no failure when the last line is one for newer
     * JVMs (on Java 21 the installed daemon did not start at all; stage two caught it).
     */
    @Test
    void theLaunchersReader_givesTheSameList_onJava21And25_underSetE() throws Exception {
        for (int feature : new int[] {21, 25}) {
            Path home = Files.createDirectories(dir.resolve("jdk-" + feature + "/bin"));
            Path java = Files.writeString(home.resolve("java"), "#!/bin/sh\n");
            Files.writeString(
                    home.getParent().resolve("release"),
                    "IMPLEMENTOR=\"test\"\nJAVA_VERSION=\"" + feature + ".0.5\"\n");
            Process p =
                    new ProcessBuilder(
                                    "bash",
                                    "-c",
                                    "set -euo pipefail; . src/deb/bin/latchkey-cli-cache;"
                                            + " daemon_jvm_options \"$1\" \"$2\";"
                                            + " printf '%s\\n' \"${daemon_jvm_opts[@]}\"",
                                    "bash",
                                    OPTIONS.toString(),
                                    java.toString())
                            .redirectErrorStream(true)
                            .start();
            String out = new String(p.getInputStream().readAllBytes()).strip();
            assertEquals(0, p.waitFor(), "Java " + feature + ": " + out);
            assertEquals(DaemonJvmOptions.read(OPTIONS, feature), List.of(out.split("\n")));
        }
    }

    @Test
    void theDaemonOnItsOptions_startsAndStops_withoutAJvmWarning() throws Exception {
        Path config =
                TestDoor.config()
                        .set("state_dir = \"state\"")
                        .table("[hal]\ndriver = \"simulated\"")
                        .write(dir);
        Path log = dir.resolve("latchkeyd.log");
        List<String> options = DaemonJvmOptions.read(OPTIONS, Runtime.version().feature());
        try (DaemonProcess d = DaemonProcess.start(config, log, options)) {
            d.term();
        }
        List<String> lines = Files.readAllLines(log);
        assertTrue(lines.stream().anyMatch(l -> l.contains("serving")), lines.toString());
        for (String l : lines) {
            // tinylog's own lines ("12:00:00.000 INFO …") are the door's; a JVM or library writes
            // "OpenJDK 64-Bit Server VM warning: …" or "WARNING: …"
            assertFalse(
                    l.startsWith("WARNING") || l.contains("VM warning") || l.startsWith("OpenJDK"),
                    "JVM noise: " + l);
        }
        assertEquals(0, lines.stream().filter(l -> l.contains("sun.misc.Unsafe")).count());
    }
}
