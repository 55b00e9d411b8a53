package org.latchkey.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayDeque;
import java.util.Deque;

/** Runs the CLI in-process with a fixed clock and scripted passphrase answers. */
final class CliRun {
    static final Instant NOW = Instant.parse("2026-11-25T09:00:00Z");

    final Deque<char[]> answers = new ArrayDeque<>();
    boolean terminal = true;

    /** Fixed at {@link #NOW}; the system's for a run against a real daemon. */
    InstantSource clock = InstantSource.fixed(NOW);

    Boolean confirm = Boolean.TRUE;

    record Result(int code, String out, String err) {}

    /** {@code latchkey init} of a simulated door "front-door" in {@code dir}, no passphrase. */
    Result init(java.nio.file.Path dir, String... more) {
        java.util.List<String> args =
                new java.util.ArrayList<>(
                        java.util.List.of(
                                "init",
                                "--config-dir",
                                dir.toString(),
                                "--lock-id",
                                "front-door",
                                "--driver",
                                "simulated",
                                "--no-passphrase"));
        args.addAll(java.util.List.of(more));
        return run(args.toArray(String[]::new));
    }

    Result run(String... args) {
        CliContext context =
                new CliContext(
                        clock,
                        SecureRandom::new,
                        question -> terminal ? answers.poll() : null,
                        question -> terminal ? confirm : null,
                        CliContext.HardwareTime.VIRTUAL);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code =
                LatchkeyCommand.commandLine(context, args)
                        .setOut(new PrintWriter(out, true))
                        .setErr(new PrintWriter(err, true))
                        .execute(args);
        return new Result(code, out.toString(), err.toString());
    }
}
