package org.latchkey.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.latchkey.audit.AuditVerifier;
import org.latchkey.testing.DaemonProcess;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;

/** kill -9 of a real latchkeyd process right after a once token was consumed, then a restart. */
class CrashSafetyTest {
    @TempDir Path dir;

    final DaemonFixture fx = new DaemonFixture();

    @Test
    void killedAfterConsumingAToken_restartsLocked_tokenStaysUsed_auditChainVerifies()
            throws Exception {
        Path config = DaemonFixture.writeConfig(dir);
        String token = DaemonFixture.courierOnce();
        try (DaemonProcess first = DaemonProcess.start(config, dir.resolve("first.log"))) {
            fx.awaitStatus(
                    first.port, s -> s.contains("\"state\":\"LOCKED\""), Duration.ofSeconds(10));
            HttpResponse<String> granted = fx.post(first.port, "/v1/access", token);
            assertEquals(200, granted.statusCode(), granted.body());
            fx.awaitStatus(
                    first.port, s -> s.contains("\"state\":\"UNLOCKED\""), Duration.ofSeconds(5));
            first.kill9(); // mid-grant
        }
        try (DaemonProcess again = DaemonProcess.start(config, dir.resolve("again.log"))) {
            String status =
                    fx.awaitStatus(
                            again.port,
                            s -> s.contains("\"state\":\"LOCKED\""),
                            Duration.ofSeconds(10));
            assertTrue(status.contains("\"bolt\":\"LOCKED\""), status);
            HttpResponse<String> replay = fx.post(again.port, "/v1/access", token);
            assertEquals(403, replay.statusCode());
            assertTrue(replay.body().contains("\"reason\":\"ALREADY_USED\""), replay.body());
            again.term();
        }
        AuditVerifier.Report report = AuditVerifier.verify(dir.resolve("state"));
        assertTrue(report.intact(), report.firstProblem().toString());
        assertTrue(report.records() > 10);
    }
}
