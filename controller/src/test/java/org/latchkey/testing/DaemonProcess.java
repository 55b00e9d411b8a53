package org.latchkey.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A latchkeyd in a process of its own (java from this JVM, this class path), on a free port,
 * --simulate.
 */
public final class DaemonProcess implements AutoCloseable {
    private static final Pattern READY = Pattern.compile("ready on http://127\\.0\\.0\\.1:(\\d+)");

    public final Process process;
    public final int port;
    public final Path stderr;

    private DaemonProcess(Process process, int port, Path stderr) {
        this.process = process;
        this.port = port;
        this.stderr = stderr;
    }

    /**
     * Starts one and waits until it serves; fails with its log if it exits first. The daemon's
     * class path is this JVM's, or {@code -Dlatchkey.daemon.classpath} (to replay a test against
     * another build, e.g. a release).
     */
    public static DaemonProcess start(Path config, Path stderr) throws Exception {
        return start(config, stderr, List.of());
    }

    /**
     * @param jvmOptions e.g. the launcher's {@code -XX:+UseSerialGC -Xmx96m} when memory is
     *     measured
     */
    public static DaemonProcess start(Path config, Path stderr, List<String> jvmOptions)
            throws Exception {
        return start(config, stderr, jvmOptions, "0022");
    }

    /**
     * @param umask the file-mode creation mask it runs under (e.g. {@code 000}, a careless one)
     */
    public static DaemonProcess start(
            Path config, Path stderr, List<String> jvmOptions, String umask) throws Exception {
        return start(config, stderr, jvmOptions, umask, java.util.Map.of());
    }

    /**
     * @param environment added to the daemon's environment (e.g. libfaketime's, on the daemon
     *     process only)
     */
    public static DaemonProcess start(
            Path config,
            Path stderr,
            List<String> jvmOptions,
            String umask,
            java.util.Map<String, String> environment)
            throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        String classPath =
                System.getProperty(
                        "latchkey.daemon.classpath", System.getProperty("java.class.path"));
        List<String> command =
                new java.util.ArrayList<>(
                        List.of(
                                "sh",
                                "-c",
                                "umask " + umask + " && exec \"$@\"",
                                "sh",
                                java,
                                "--enable-native-access=ALL-UNNAMED"));
        command.addAll(jvmOptions);
        command.addAll(
                List.of(
                        "-cp",
                        classPath,
                        "org.latchkey.daemon.Latchkeyd",
                        "--config",
                        config.toString(),
                        "--simulate",
                        "--port",
                        "0"));
        ProcessBuilder pb = new ProcessBuilder(command).redirectError(stderr.toFile());
        pb.environment().putAll(environment);
        Process p = pb.start();
        BufferedReader out =
                new BufferedReader(
                        new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        CompletableFuture<Integer> port =
                CompletableFuture.supplyAsync(
                        () -> {
                            try {
                                String line;
                                while ((line = out.readLine()) != null) {
                                    Matcher m = READY.matcher(line);
                                    if (m.find()) {
                                        return Integer.parseInt(m.group(1));
                                    }
                                }
                            } catch (IOException e) {
                                throw new UncheckedIOException(e);
                            }
                            throw new IllegalStateException("latchkeyd exited before it was ready");
                        });
        try {
            return new DaemonProcess(p, port.get(60, TimeUnit.SECONDS), stderr);
        } catch (ExecutionException e) {
            p.destroyForcibly();
            throw new AssertionError(
                    e.getCause().getMessage() + "; its log:\n" + Files.readString(stderr), e);
        }
    }

    /**
     * The door's answer (the JSON body) to a token presented at {@code POST /v1/access}; while its
     * bolt still moves (BUSY: starting, or the last grant), presented again, as a person would.
     */
    public String present(String token) throws Exception {
        var http = java.net.http.HttpClient.newHttpClient();
        var request =
                java.net.http.HttpRequest.newBuilder(
                                java.net.URI.create("http://127.0.0.1:" + port + "/v1/access"))
                        .header("Content-Type", "text/plain")
                        .POST(java.net.http.HttpRequest.BodyPublishers.ofString(token))
                        .build();
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        String body;
        do {
            body = http.send(request, java.net.http.HttpResponse.BodyHandlers.ofString()).body();
        } while (body.contains("\"reason\":\"BUSY\"") && System.nanoTime() < until);
        return body;
    }

    /** SIGKILL: no shutdown hook, no flush. */
    public void kill9() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(10, TimeUnit.SECONDS) || process.exitValue() != 137) {
            throw new AssertionError("not killed");
        }
    }

    /** SIGTERM: the orderly stop; the exit code the unit counts as success. */
    public void term() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(20, TimeUnit.SECONDS) || process.exitValue() != 143) {
            throw new AssertionError("did not stop cleanly");
        }
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }
}
