package org.latchkey.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.latchkey.audit.AuditVerifier;
import org.latchkey.testing.DaemonProcess;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * `latchkey clock reset`, the owner's documented way back from a time floor that is lost, damaged
 * or wrong: with the daemon down (into the state directory) and up (its API), on real processes and
 * the machine's own clock.
 */
class ClockResetCommandTest {
    @TempDir Path dir;

    Path config;
    Path state;

    @BeforeEach
    void door() throws Exception {
        CliProcess.Result init =
                CliProcess.run(
                        "022",
                        dir,
                        "init",
                        "--config-dir",
                        dir.toString(),
                        "--lock-id",
                        "front-door",
                        "--driver",
                        "simulated",
                        "--no-passphrase");
        assertEquals(0, init.code(), init.err());
        config = dir.resolve("latchkey.toml");
        state = dir.resolve("state");
        try (DaemonProcess first = DaemonProcess.start(config, dir.resolve("first.log"))) {
            first.term(); // a door that ran: an audit log, a floor
        }
        Files.delete(state.resolve("time-floor"));
    }

    private static String status(int port) throws Exception {
        return HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(
                                        URI.create("http://127.0.0.1:" + port + "/v1/status"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString())
                .body();
    }

    @Test
    void daemonDown_theResetGoesIntoTheStateDirectory_andTheDoorTrustsItsClockAgain()
            throws Exception {
        CliProcess.Result reset =
                CliProcess.run(
                        "022",
                        dir,
                        "clock",
                        "reset",
                        "--config",
                        config.toString(),
                        "--url",
                        "http://127.0.0.1:1");
        assertEquals(0, reset.code(), reset.err());
        assertTrue(reset.out().contains("time floor reset to "), reset.out());
        assertTrue(reset.out().contains("(was 1970-01-01T00:00:00Z)"), reset.out());
        assertTrue(
                Files.readString(state.resolve("time-floor"))
                        .strip()
                        .matches("\\d+ [0-9a-f-]+ \\d+"));
        try (DaemonProcess d = DaemonProcess.start(config, dir.resolve("after.log"))) {
            String s = status(d.port);
            assertTrue(s.contains("\"clock\":{\"trusted\":true}"), s);
            d.term();
        }
        AuditVerifier.Report audit = AuditVerifier.verify(state);
        assertTrue(audit.intact());
        assertTrue(
                Files.readString(state.resolve("audit/audit.log"))
                        .contains("\"type\":\"clock_reset\""),
                "on record");
    }

    @Test
    void daemonUp_theResetGoesThroughItsApi_andIsUsedOnce() throws Exception {
        try (DaemonProcess d = DaemonProcess.start(config, dir.resolve("up.log"))) {
            String before = status(d.port);
            assertTrue(before.contains("\"trusted\":false"), before);
            assertTrue(before.contains("STATE_DAMAGED"), before);
            Path statement = dir.resolve("reset.paseto");
            CliProcess.Result signed =
                    CliProcess.run(
                            "022",
                            dir,
                            "clock",
                            "reset",
                            "--config",
                            config.toString(),
                            "--out",
                            statement.toString());
            assertEquals(0, signed.code(), signed.err());
            HttpResponse<String> first = post(d.port, Files.readString(statement));
            assertEquals(200, first.statusCode(), first.body());
            assertTrue(first.body().contains("\"reset\":true"), first.body());
            HttpResponse<String> again = post(d.port, Files.readString(statement));
            assertEquals(403, again.statusCode());
            assertTrue(again.body().contains("ALREADY_USED"), again.body());
            awaitStatus(d.port, "\"clock\":{\"trusted\":true}");
            CliProcess.Result viaCli =
                    CliProcess.run(
                            "022",
                            dir,
                            "clock",
                            "reset",
                            "--config",
                            config.toString(),
                            "--url",
                            "http://127.0.0.1:" + d.port);
            assertEquals(0, viaCli.code(), viaCli.err());
            assertTrue(viaCli.out().contains("through latchkeyd"), viaCli.out());
            d.term();
        }
    }

    /** Polls a real process's status until it shows {@code wanted} (bounded). */
    private static void awaitStatus(int port, String wanted) throws Exception {
        long end = System.nanoTime() + 10_000_000_000L;
        String last = "";
        while (System.nanoTime() < end) {
            last = status(port);
            if (last.contains(wanted)) {
                return;
            }
            Thread.sleep(50); // polling a real process, not waiting for an outcome
        }
        throw new AssertionError("never " + wanted + ": " + last);
    }

    private static HttpResponse<String> post(int port, String body) throws Exception {
        return HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/clock"))
                                .header("Content-Type", "text/plain")
                                .POST(HttpRequest.BodyPublishers.ofString(body))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
    }
}
