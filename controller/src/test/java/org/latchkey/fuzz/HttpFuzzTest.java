package org.latchkey.fuzz;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.BugDetectors;
import com.code_intelligence.jazzer.api.SilentCloseable;
import com.code_intelligence.jazzer.junit.FuzzTest;

import org.latchkey.daemon.Latchkeyd;
import org.latchkey.testing.TestDoor;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Any bytes sent to the real API server on loopback (the daemon in this JVM, simulated door): every
 * request gets a well-formed HTTP answer or a closed connection, a body is never bigger than its
 * limit makes necessary, and the server still serves the door's status afterwards.
 */
class HttpFuzzTest {
    private static final Latchkeyd.Running DAEMON;

    static {
        try {
            System.setProperty("sun.net.httpserver.maxReqTime", "2");
            Path dir = Files.createTempDirectory("latchkey-http-fuzz");
            Path config =
                    TestDoor.config()
                            .set("state_dir = \"state\"")
                            .table(
                                    "[hal]\n"
                                            + "driver = \"simulated\"\n\n"
                                            + "[hal.bolt]\n"
                                            + "travel_time = \"100ms\"")
                            .table("[api]\nrejections_per_second = 1000")
                            .write(dir);
            DAEMON = Latchkeyd.start(config, true, 0);
            Runtime.getRuntime().addShutdownHook(new Thread(DAEMON::stop));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String exchange(byte[] request) throws IOException {
        try (Socket s = new Socket("127.0.0.1", DAEMON.port())) {
            s.setSoTimeout(5000);
            OutputStream out = s.getOutputStream();
            try {
                out.write(request);
                out.flush();
                s.shutdownOutput();
            } catch (IOException e) {
                return ""; // the server closed first: refused without an answer
            }
            ByteArrayOutputStream answer = new ByteArrayOutputStream();
            InputStream in = s.getInputStream();
            byte[] buf = new byte[8192];
            int n;
            try {
                while ((n = in.read(buf)) >= 0 && answer.size() < 1 << 20) {
                    answer.write(buf, 0, n);
                }
            } catch (SocketTimeoutException e) {
                String so = answer.toString(StandardCharsets.ISO_8859_1);
                if (so.startsWith("HTTP/1.1 200 ") && so.contains("text/event-stream")) {
                    return so; // the event stream: open until the client goes, by design
                }
                throw new AssertionError("no answer and no close within 5 s: " + so);
            } catch (IOException e) {
                // reset by the server: a closed connection
            }
            return answer.toString(StandardCharsets.ISO_8859_1);
        }
    }

    @FuzzTest(maxDuration = "5m")
    void request(byte[] input) throws IOException {
        // The fuzzer's SSRF detector refuses every connection it was not told about: this target
        // connects only to its own daemon on loopback.
        try (SilentCloseable onlyOurDaemon =
                BugDetectors.allowNetworkConnections(
                        (host, port) ->
                                port == DAEMON.port()
                                        && (host.equals("127.0.0.1")
                                                || host.equals("localhost")))) {
            exchangeAndCheck(input);
        }
    }

    private static void exchangeAndCheck(byte[] input) throws IOException {
        String answer = exchange(input);
        assertTrue(
                answer.isEmpty() || answer.matches("(?s)HTTP/1\\.1 [1-5]\\d\\d .*"),
                "not HTTP: " + answer);
        assertTrue(answer.length() < 64 * 1024, "an answer bounded by its limits");
        String status =
                exchange(
                        "GET /v1/status HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
                                .getBytes(StandardCharsets.US_ASCII));
        assertTrue(
                status.startsWith("HTTP/1.1 200 ") && status.contains("\"state\""),
                "the server still serves: " + status);
    }
}
