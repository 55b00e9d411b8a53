package org.latchkey.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Whatever answers on the daemon's port (a daemon taken over, another program) is not trusted with
 * the installer's terminal: text from it is shown escaped, never as terminal commands, and a reason
 * this command does not know is a failure, not a crash.
 */
class DaemonAnswersTest {
    private static final String ESC = "\u001b";

    /** Terminal commands (set the title, clear the screen), as JSON escapes: valid JSON text. */
    private static final String HOSTILE = "\\u001b]0;pwned\\u0007\\u001b[2J";

    @TempDir Path dir;

    final CliRun cli = new CliRun();
    HttpServer server;
    String url;

    @BeforeEach
    void setUp() throws Exception {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext(
                "/v1/status",
                ex -> {
                    byte[] b =
                            ("{\"state\":\"LOCKED"
                                            + HOSTILE
                                            + "\",\"door\":\"CLOSED\",\"alarms\":[\""
                                            + HOSTILE
                                            + "\"]}")
                                    .getBytes(StandardCharsets.UTF_8);
                    ex.sendResponseHeaders(200, b.length);
                    ex.getResponseBody().write(b);
                    ex.close();
                });
        server.createContext(
                "/v1/revocations",
                ex -> {
                    ex.getRequestBody().readAllBytes();
                    byte[] b =
                            ("{\"installed\":false,\"reason\":\"NOT_A_REASON"
                                            + HOSTILE
                                            + "\",\"detail\":\""
                                            + HOSTILE
                                            + "\"}")
                                    .getBytes(StandardCharsets.UTF_8);
                    ex.sendResponseHeaders(403, b.length);
                    ex.getResponseBody().write(b);
                    ex.close();
                });
        server.start();
        url = "http://127.0.0.1:" + server.getAddress().getPort();
        assertEquals(
                0,
                cli.run(
                                "init",
                                "--config-dir",
                                dir.toString(),
                                "--lock-id",
                                "front-door",
                                "--driver",
                                "simulated",
                                "--no-passphrase")
                        .code());
    }

    @AfterEach
    void tearDown() {
        server.stop(0);
    }

    @Test
    void status_inTextAndJson_showsTheAnswerEscaped() {
        CliRun.Result text = cli.run("status", "--url", url);
        assertEquals(0, text.code(), text.err());
        assertFalse(text.out().contains(ESC), text.out());
        assertTrue(text.out().contains("\\u001b"), text.out());
        CliRun.Result json = cli.run("status", "--url", url, "--json");
        assertEquals(0, json.code(), json.err());
        assertFalse(json.out().contains(ESC), json.out());
    }

    @Test
    void revoke_refusedWithAReasonItDoesNotKnow_failsPlainly_escaped() {
        CliRun.Result r =
                cli.run(
                        "revoke",
                        "--config",
                        dir.resolve("latchkey.toml").toString(),
                        "--url",
                        url,
                        "--jti",
                        org.latchkey.token.SigningKey.fromSeed(new byte[32]).publicKey().pid()
                                + "/some-token-0000000001");
        assertEquals(ExitCode.FAILED, r.code(), r.out() + r.err());
        assertFalse((r.out() + r.err()).contains(ESC), r.err());
    }
}
