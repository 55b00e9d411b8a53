package org.latchkey.cli;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The {@code latchkey} command in a process of its own (java from this JVM, this class path), as a
 * person or a script runs it: for what only separate processes show (locks, the umask).
 */
final class CliProcess {
    record Result(int code, String out, String err) {}

    private CliProcess() {}

    /** Starts {@code latchkey args…} under {@code umask}; {@link #await} collects it. */
    static Process start(String umask, Path workDir, String... args) throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new ArrayList<>();
        command.addAll(List.of("sh", "-c", "umask " + umask + " && exec \"$@\"", "sh"));
        command.addAll(
                List.of(
                        java,
                        "-XX:TieredStopAtLevel=1",
                        "-cp",
                        System.getProperty("java.class.path"),
                        Main.class.getName()));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).directory(workDir.toFile()).start();
    }

    static Result await(Process p) throws Exception {
        // Read both streams while it runs: a full pipe would stall it.
        var out = p.getInputStream();
        var err = p.getErrorStream();
        var errText =
                java.util.concurrent.CompletableFuture.supplyAsync(
                        () -> {
                            try {
                                return new String(err.readAllBytes(), StandardCharsets.UTF_8);
                            } catch (java.io.IOException e) {
                                return e.toString();
                            }
                        });
        String outText = new String(out.readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("latchkey did not finish in 60 s");
        }
        return new Result(p.exitValue(), outText, errText.get());
    }

    static Result run(String umask, Path workDir, String... args) throws Exception {
        return await(start(umask, workDir, args));
    }
}
