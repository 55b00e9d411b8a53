package org.latchkey.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import picocli.CommandLine.Command;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The checkout's launcher ({@code ./latchkey}) and its class cache, as a new user meets them: every
 * command run twice in a fresh cache folder (the first run starts the cache's making in the
 * background, the second uses it), a real door set up and a token verified, and then the folder
 * holds one cache for all of them, under 48 MB, the stale caches of other builds gone. No run
 * writes a JVM or library warning. Runs after {@code package} (failsafe): the launcher finds the
 * jars built.
 */
class CliCacheIT {
    static final long BOUND = 48L * 1000 * 1000;

    /** What the JVM, or a library through it, says when it warns; none belongs on a normal run. */
    static final Pattern NOISE =
            Pattern.compile(
                    "(?i)WARNING:|\\[warning\\]|\\[error\\]|Picked up|sun\\.misc\\.Unsafe|"
                            + "OpenJDK 64-Bit Server VM|SLF4J|log4j|restricted method");

    @TempDir Path work;

    record Run(int code, String out, String err) {}

    @Test
    void everyCommandTwice_inAFreshCacheFolder_leavesOneCacheUnder48MB_andNoNoise()
            throws Exception {
        Path folder = Files.createDirectories(work.resolve("cache/latchkey"));
        // Left by other builds and by the per-command caches of older launchers: removed when the
        // new one is made.
        Files.write(folder.resolve("cli.1234.aot"), new byte[4 << 20]);
        Files.write(folder.resolve("cli.99.token-verify.1234.aot"), new byte[4 << 20]);
        Files.write(folder.resolve("cli-old.jsa"), new byte[1 << 20]);

        List<List<String>> commands = commands();
        assertTrue(commands.size() > 25, "every command and subcommand: " + commands);
        for (List<String> c : commands) {
            quiet(help(c));
        }
        awaitMaking(folder);
        for (List<String> c : commands) {
            quiet(help(c));
        }

        Path door = work.resolve("door");
        quiet(
                ok(
                        latchkey(
                                "init",
                                "--config-dir",
                                door.toString(),
                                "--lock-id",
                                "front-door",
                                "--driver",
                                "simulated",
                                "--no-passphrase")));
        String config = door.resolve("latchkey.toml").toString();
        Run token =
                ok(
                        latchkey(
                                "token",
                                "issue",
                                "--key",
                                door.resolve("owner.key").toString(),
                                "--config",
                                config,
                                "--role",
                                "guest",
                                "--sub",
                                "visitor",
                                "--once",
                                "--for",
                                "10m"));
        quiet(token);
        quiet(ok(latchkey("token", "verify", "--config", config, token.out().strip())));

        List<Path> left;
        long total;
        try (Stream<Path> files = Files.list(folder)) {
            left = files.toList();
        }
        total = 0;
        for (Path f : left) {
            total += Files.size(f);
        }
        List<String> names = left.stream().map(f -> f.getFileName().toString()).sorted().toList();
        assertEquals(2, names.size(), "the java found and one cache: " + names);
        assertTrue(names.get(0).matches("cli\\.\\d+\\.(aot|jsa)"), names.toString());
        assertEquals("java", names.get(1));
        assertTrue(total < BOUND, "the cache folder holds " + total + " bytes, over 48 MB");

        // And the commands use it (the JVM's own log of its class cache, to a file).
        Path log = work.resolve("cache.log");
        String option =
                (names.get(0).endsWith(".aot") ? "-Xlog:aot=info" : "-Xlog:cds=info")
                        + ":file="
                        + log;
        ok(latchkey(List.of("JAVA_TOOL_OPTIONS", option), "token", "verify", "--help"));
        String used = Files.readString(log);
        assertTrue(used.contains(names.get(0)), used);
        assertFalse(used.contains("[error]"), used);
    }

    /** Every command and subcommand the root lists, as the words that name it. */
    static List<List<String>> commands() {
        List<List<String>> all = new ArrayList<>();
        all.add(List.of());
        for (Class<?> top : LatchkeyCommand.COMMANDS) {
            String name = top.getAnnotation(Command.class).name();
            all.add(List.of(name));
            for (Class<?> sub : LatchkeyCommand.GROUPS.getOrDefault(top, List.of())) {
                all.add(List.of(name, sub.getAnnotation(Command.class).name()));
            }
        }
        return all;
    }

    private Run help(List<String> words) throws Exception {
        List<String> args = new ArrayList<>(words);
        args.add("--help");
        return ok(latchkey(args.toArray(String[]::new)));
    }

    private static Run ok(Run r) {
        assertEquals(0, r.code(), r.out() + r.err());
        return r;
    }

    private static void quiet(Run r) {
        assertFalse(NOISE.matcher(r.err()).find(), "noise on stderr: " + r.err());
        assertFalse(NOISE.matcher(r.out()).find(), "noise on stdout: " + r.out());
    }

    /** The making runs detached; it ends by removing its "making" folder. */
    private static void awaitMaking(Path folder) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
        while (Files.exists(folder.resolve("making"))) {
            assertTrue(System.nanoTime() < deadline, "the cache's making took over 180 s");
            Thread.sleep(200);
        }
    }

    private Run latchkey(String... args) throws Exception {
        return latchkey(List.of(), args);
    }

    /** Runs ./latchkey with ARGS, and the environment variables NAME, VALUE, … given. */
    private Run latchkey(List<String> env, String... args) throws Exception {
        Path checkout = Path.of("..").toAbsolutePath().normalize();
        // The launcher builds when a source is newer than its stamp; this build has just made the
        // jars from these sources.
        Path stamp = checkout.resolve("provisioning/target/.launcher-built");
        Files.writeString(stamp, "");
        List<String> cmd = new ArrayList<>(List.of(checkout.resolve("latchkey").toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(work.toFile());
        pb.environment().put("XDG_CACHE_HOME", work.resolve("cache").toString());
        pb.environment().put("JAVA_HOME", Path.of(System.getProperty("java.home")).toString());
        pb.environment().remove("LATCHKEY_JAVA_OPTS");
        pb.environment().remove("JAVA_TOOL_OPTIONS");
        pb.environment().remove("JDK_JAVA_OPTIONS");
        for (int i = 0; i < env.size(); i += 2) {
            pb.environment().put(env.get(i), env.get(i + 1));
        }
        Path err = Files.createTempFile(work, "err", ".txt");
        pb.redirectError(err.toFile());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "timed out: " + cmd);
        return new Run(p.exitValue(), out, Files.readString(err));
    }
}
