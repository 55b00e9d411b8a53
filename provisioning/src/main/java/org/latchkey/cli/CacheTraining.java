package org.latchkey.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The command line's class cache is made from one run of this: the commands people use most, in one
 * JVM, on a door of its own in a temporary folder. One cache for every command (the launcher made
 * one per command before, 15-35 MB each); a command it leaves out still runs, loading what the
 * cache lacks from the jars. Not a command of its own: the launcher's cache script runs it.
 */
public final class CacheTraining {
    private CacheTraining() {}

    /** One command of the run, and the exit code it must end with for the run to be faithful. */
    public record Step(int expected, String... args) {}

    /** What one step did. */
    public record Outcome(Step step, int code, String out, String err) {
        public boolean asExpected() {
            return code == step.expected();
        }
    }

    public static void main(String[] args) throws IOException {
        Path work = Files.createTempDirectory("latchkey-cache-training");
        try {
            for (Outcome o : run(work)) {
                if (!o.asExpected()) {
                    // The cache is still made (it holds what the run loaded); the test names it
                    // too.
                    System.err.printf(
                            "latchkey cache training: %s ended %d, not %d: %s%n",
                            String.join(" ", o.step().args()),
                            o.code(),
                            o.step().expected(),
                            o.err().strip());
                }
            }
        } finally {
            deleteTree(work);
        }
        System.exit(0);
    }

    /** Runs every step in {@code work}, an empty folder, and says how each ended. */
    public static List<Outcome> run(Path work) {
        String door = work.resolve("door").toString();
        String config = work.resolve("door/latchkey.toml").toString();
        String owner = work.resolve("door/owner.key").toString();
        // Nothing listens on port 9 of this machine's loopback (the discard port): the daemon's
        // client is loaded, and fails at once.
        String noDaemon = "http://127.0.0.1:9";
        List<Outcome> outcomes = new ArrayList<>();
        outcomes.add(step(new Step(0, "--version")));
        outcomes.add(step(new Step(0, "--help")));
        outcomes.add(
                step(
                        new Step(
                                0,
                                "init",
                                "--config-dir",
                                door,
                                "--lock-id",
                                "training-door",
                                "--driver",
                                "simulated",
                                "--no-passphrase")));
        outcomes.add(
                step(
                        new Step(
                                0,
                                "keys",
                                "generate",
                                "--out",
                                work.resolve("keys").toString(),
                                "--name",
                                "company",
                                "--no-passphrase")));
        Outcome issued =
                step(
                        new Step(
                                0,
                                "token",
                                "issue",
                                "--key",
                                owner,
                                "--config",
                                config,
                                "--role",
                                "guest",
                                "--sub",
                                "training",
                                "--once",
                                "--for",
                                "10m"));
        outcomes.add(issued);
        String token = issued.out().strip().lines().reduce((a, b) -> b).orElse("v4.public.none");
        outcomes.add(step(new Step(0, "token", "verify", "--config", config, token)));
        outcomes.add(step(new Step(0, "token", "verify", "--json", "--config", config, token)));
        outcomes.add(step(new Step(0, "token", "inspect", token)));
        outcomes.add(step(new Step(0, "issuer", "list", "--config", config)));
        outcomes.add(step(new Step(0, "door", "card", "--config", config, "--url", noDaemon)));
        // A door whose daemon never ran has no audit log yet: refused, having read what there is.
        outcomes.add(step(new Step(ExitCode.REJECTED, "audit", "verify", "--config", config)));
        outcomes.add(step(new Step(ExitCode.FAILED, "audit", "show", "--config", config)));
        outcomes.add(step(new Step(ExitCode.FAILED, "status", "--url", noDaemon)));
        return outcomes;
    }

    private static Outcome step(Step step) {
        CliContext context =
                new CliContext(
                        InstantSource.system(),
                        SecureRandom::new,
                        question -> null,
                        question -> null,
                        CliContext.HardwareTime.VIRTUAL);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code =
                LatchkeyCommand.commandLine(context, step.args())
                        .setOut(new PrintWriter(out, true))
                        .setErr(new PrintWriter(err, true))
                        .execute(step.args());
        return new Outcome(step, code, out.toString(), err.toString());
    }

    private static void deleteTree(Path root) throws IOException {
        try (Stream<Path> all = Files.walk(root)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
