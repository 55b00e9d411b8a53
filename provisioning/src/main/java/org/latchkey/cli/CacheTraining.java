package org.latchkey.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;

/**
 * The command line's class cache is made from a run of this: the commands scripts and people run
 * again and again ({@code token issue}, {@code verify}, {@code inspect}, help), in one JVM, on a
 * door of its own. One cache for every command (the launcher made one per command before, 15-35 MB
 * each). With ahead-of-time linking the JVM loads every class of the cache at start, so the cache
 * holds the common path only: trained on every command it was 37 MB and made {@code token verify} a
 * tenth slower (the HTTP client of {@code status} alone was 7 MB). The other commands load what the
 * cache lacks from the jars. Two JVM runs, by the launcher's cache script: {@code --prepare DIR}
 * sets up the door (not recorded), then {@code DIR} runs the steps (recorded).
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

    public static void main(String[] args) {
        boolean prepare = args.length == 2 && args[0].equals("--prepare");
        if (!prepare && args.length != 1) {
            System.err.println("usage: CacheTraining [--prepare] EMPTY-FOLDER");
            System.exit(ExitCode.USAGE);
        }
        Path work = Path.of(args[args.length - 1]);
        List<Outcome> outcomes = prepare ? List.of(prepare(work)) : run(work);
        for (Outcome o : outcomes) {
            if (!o.asExpected()) {
                // The cache is still made (it holds what the run loaded); CacheTrainingTest fails.
                System.err.printf(
                        "latchkey cache training: %s ended %d, not %d: %s%n",
                        String.join(" ", o.step().args()),
                        o.code(),
                        o.step().expected(),
                        o.err().strip());
            }
        }
        System.exit(outcomes.stream().allMatch(Outcome::asExpected) ? 0 : ExitCode.FAILED);
    }

    /** Sets up the door the run uses, in {@code work} (an empty folder). */
    public static Outcome prepare(Path work) {
        // The state directory made first, the caller's own: init hands a state directory it makes
        // to the daemon's user when there is one, and root's making must lend it nothing.
        Path state = work.resolve("door/state");
        try {
            java.nio.file.Files.createDirectories(
                    state,
                    java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                            java.nio.file.attribute.PosixFilePermissions.fromString("rwx------")));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return step(
                new Step(
                        0,
                        "init",
                        "--state-dir",
                        state.toString(),
                        "--config-dir",
                        work.resolve("door").toString(),
                        "--lock-id",
                        "training-door",
                        "--driver",
                        "simulated",
                        "--no-passphrase"));
    }

    /** Runs every step on the door {@link #prepare} set up, and says how each ended. */
    public static List<Outcome> run(Path work) {
        String config = work.resolve("door/latchkey.toml").toString();
        String owner = work.resolve("door/owner.key").toString();
        List<Outcome> outcomes = new ArrayList<>();
        outcomes.add(step(new Step(0, "--version")));
        outcomes.add(step(new Step(0, "--help")));
        outcomes.add(step(new Step(0, "token", "--help")));
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
        outcomes.add(step(new Step(0, "token", "inspect", token)));
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
}
