package org.latchkey.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.latchkey.audit.AuditVerifier;

/** kill -9 of a real latchkeyd process right after a once token was consumed, then a restart. */
class CrashSafetyTest {
    private static final Pattern READY = Pattern.compile("ready on http://127\\.0\\.0\\.1:(\\d+)");

    @TempDir
    Path dir;

    final DaemonFixture fx = new DaemonFixture();
    Process process;

    private int launch(Path config) throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        process = new ProcessBuilder(List.of(java, "-cp", System.getProperty("java.class.path"),
                "org.latchkey.daemon.Latchkeyd", "--config", config.toString(), "--simulate", "--port", "0"))
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        CompletableFuture<Integer> port = CompletableFuture.supplyAsync(() -> {
            try {
                String line;
                while ((line = out.readLine()) != null) {
                    Matcher m = READY.matcher(line);
                    if (m.find()) {
                        return Integer.parseInt(m.group(1));
                    }
                }
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            throw new IllegalStateException("latchkeyd exited before it was ready");
        });
        return port.get(60, TimeUnit.SECONDS);
    }

    @AfterEach
    void killLeftovers() {
        if (process != null) {
            process.destroyForcibly();
        }
    }

    @Test
    void killedAfterConsumingAToken_restartsLocked_tokenStaysUsed_auditChainVerifies() throws Exception {
        Path config = DaemonFixture.writeConfig(dir);
        int port = launch(config);
        fx.awaitStatus(port, s -> s.contains("\"state\":\"LOCKED\""), Duration.ofSeconds(10));
        String token = DaemonFixture.courierOnce();
        HttpResponse<String> granted = fx.post(port, "/v1/access", token);
        assertEquals(200, granted.statusCode(), granted.body());
        fx.awaitStatus(port, s -> s.contains("\"state\":\"UNLOCKED\""), Duration.ofSeconds(5));

        process.destroyForcibly(); // SIGKILL: no shutdown hook, no flush, mid-grant
        assertTrue(process.waitFor(10, TimeUnit.SECONDS));
        assertEquals(137, process.exitValue());

        int again = launch(config);
        String status = fx.awaitStatus(again, s -> s.contains("\"state\":\"LOCKED\""), Duration.ofSeconds(10));
        assertTrue(status.contains("\"bolt\":\"LOCKED\""), status);
        HttpResponse<String> replay = fx.post(again, "/v1/access", token);
        assertEquals(403, replay.statusCode());
        assertTrue(replay.body().contains("\"reason\":\"ALREADY_USED\""), replay.body());

        process.destroy(); // SIGTERM this time: a clean stop
        assertTrue(process.waitFor(20, TimeUnit.SECONDS));
        AuditVerifier.Report report = AuditVerifier.verify(dir.resolve("state"));
        assertTrue(report.intact(), report.firstProblem().toString());
        assertTrue(report.records() > 10);
    }
}
