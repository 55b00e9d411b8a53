package org.latchkey.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.latchkey.store.Storage;
import org.latchkey.testing.TestDoor;
import org.latchkey.testing.VirtualDoor;
import org.latchkey.token.AccessTokens;
import org.latchkey.token.Json;
import org.latchkey.token.Role;
import org.latchkey.token.SigningKey;
import org.latchkey.token.Use;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

/**
 * The owner's app over HTTPS: its files and nothing else (no path leads out of the bundle), the
 * door card, revocation lists verified, bounded and rate-limited, and the same headers on every
 * answer.
 */
class WebServerTest {
    private static final Instant NOW = Instant.parse("2026-12-08T09:00:00Z");

    @TempDir Path dir;

    VirtualDoor door;
    WebServer web;
    WebCertificate cert;
    HttpClient http;

    @BeforeEach
    void start() throws Exception {
        TestDoor.config().set("state_dir = \"state\"").write(dir);
        door = new VirtualDoor(dir, Storage.REAL, NOW, true);
        Path app = Files.createDirectories(dir.resolve("app"));
        Files.writeString(app.resolve("index.html"), "<!doctype html><title>latchkey pass</title>");
        Files.writeString(app.resolve("app.js"), "console.log(1)");
        Files.writeString(app.resolve("app.css"), "body{}");
        Files.writeString(dir.resolve("secret.js"), "the config is next door");
        Files.createDirectories(app.resolve("sub")).resolve("x.js").toFile().createNewFile();
        cert =
                WebCertificate.openOrCreate(
                        Storage.REAL, dir.resolve("state"), "frontdoor", NOW, new SecureRandom());
        web =
                WebServer.start(
                        new InetSocketAddress("127.0.0.1", 0),
                        cert,
                        AppFiles.in(app),
                        () -> door.assembly.card(door::now),
                        door.assembly.gate(),
                        door.scheduler::elapsed);
        http = HttpClient.newBuilder().sslContext(trusting(cert.certificate())).build();
    }

    @AfterEach
    void stop() {
        web.close();
        door.stop();
    }

    private static SSLContext trusting(X509Certificate c) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setCertificateEntry("door", c);
        TrustManagerFactory tmf =
                TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        return ctx;
    }

    private URI uri(String path) {
        return URI.create("https://localhost:" + web.port() + path);
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(
                HttpRequest.newBuilder(uri(path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String path, String body) throws Exception {
        return http.send(
                HttpRequest.newBuilder(uri(path))
                        .header("Content-Type", "text/plain")
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** The status line for a request line sent as written: no client tidies the path. */
    private String raw(String target) throws Exception {
        try (SSLSocket s =
                (SSLSocket)
                        trusting(cert.certificate())
                                .getSocketFactory()
                                .createSocket("localhost", web.port())) {
            OutputStream out = s.getOutputStream();
            out.write(
                    ("GET " + target + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
                            .getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            BufferedReader in =
                    new BufferedReader(
                            new InputStreamReader(s.getInputStream(), StandardCharsets.ISO_8859_1));
            String status = in.readLine();
            String body = in.lines().reduce("", (a, b) -> a + "\n" + b);
            assertFalse(body.contains("next door"), target + " reached a file outside the app");
            return status;
        }
    }

    @Test
    void servesTheAppsFiles_withTheirTypes_andTheSameHeadersOnEveryAnswer() throws Exception {
        for (var c :
                List.of(
                        List.of("/", "text/html; charset=utf-8"),
                        List.of("/index.html", "text/html; charset=utf-8"),
                        List.of("/app.js", "text/javascript; charset=utf-8"),
                        List.of("/app.css", "text/css; charset=utf-8"))) {
            HttpResponse<String> r = get(c.get(0));
            assertEquals(200, r.statusCode(), c.get(0));
            assertEquals(c.get(1), r.headers().firstValue("Content-Type").orElseThrow());
        }
        for (String path : List.of("/", "/nothing.js", "/card", "/revocations")) {
            HttpResponse<String> r = get(path);
            assertEquals(
                    "default-src 'self'; frame-ancestors 'none'",
                    r.headers().firstValue("Content-Security-Policy").orElseThrow(),
                    path);
            assertEquals("nosniff", r.headers().firstValue("X-Content-Type-Options").orElseThrow());
        }
    }

    @Test
    void noPath_leadsOutOfTheBundle() throws Exception {
        for (String target :
                List.of(
                        "/../secret.js",
                        "/..%2fsecret.js",
                        "/%2e%2e/secret.js",
                        "/%2e%2e%2fsecret.js",
                        "/sub/x.js",
                        "/sub%2fx.js",
                        "//secret.js",
                        "/./app.js",
                        "/.app.js",
                        "/app.js%00.html",
                        "/APP.JS",
                        "/app.js/",
                        "/%5c..%5csecret.js",
                        "/" + "a".repeat(300) + ".js")) {
            String status = raw(target);
            assertTrue(
                    status.startsWith("HTTP/1.1 404") || status.startsWith("HTTP/1.1 400"),
                    target + " → " + status);
        }
        assertTrue(raw("/index.html?v=2").startsWith("HTTP/1.1 200"), "a query changes nothing");
        assertTrue(raw("/index.html?../../secret.js").startsWith("HTTP/1.1 200"), "the index");
    }

    @Test
    void theDoorCard_isServed_andNothingButGetReadsIt() throws Exception {
        HttpResponse<String> r = get("/card");
        assertEquals(200, r.statusCode());
        assertTrue(r.body().startsWith("v4.public."), r.body());
        assertEquals(405, post("/card", "x").statusCode());
        assertEquals(405, post("/", "x").statusCode());
        assertEquals(405, get("/revocations").statusCode());
    }

    private static String list(SigningKey signer, long seq, String ref) {
        return AccessTokens.sign(
                signer,
                ("{\"typ\":\"latchkey-revocation\",\"aud\":\""
                                + TestDoor.DOOR_ID
                                + "\",\"seq\":"
                                + seq
                                + ",\"iat\":\"2026-12-08T09:00:00Z\",\"jti\":[\""
                                + ref
                                + "\"],\"kid\":[]}")
                        .getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aRevocationList_isVerifiedAndInstalled_andTakesRightsAway() throws Exception {
        String token = TestDoor.token(TestDoor.COURIER, Role.DELIVERY, Use.WINDOW, NOW);
        String jti = jtiOf(token);
        HttpResponse<String> r =
                post(
                        "/revocations",
                        list(TestDoor.OWNER, 7, TestDoor.COURIER.publicKey().pid() + "/" + jti));
        assertEquals(200, r.statusCode(), r.body());
        assertTrue(Json.read(r.body()).path("installed").asBoolean());
        assertEquals(
                org.latchkey.token.RejectionReason.REVOKED,
                door.present(token, "127.0.0.1").refusal().orElseThrow());

        // not newer; a stranger's list; too big; not text
        r =
                post(
                        "/revocations",
                        list(
                                TestDoor.OWNER,
                                7,
                                TestDoor.COURIER.publicKey().pid() + "/x0123456789abcdef"));
        assertEquals(403, r.statusCode());
        assertEquals("SEQ_NOT_NEWER", Json.read(r.body()).path("reason").asText());
        r = post("/revocations", list(SigningKey.generate(new SecureRandom()), 9, "k/x"));
        assertEquals(403, r.statusCode());
        assertEquals("UNKNOWN_KEY", Json.read(r.body()).path("reason").asText());
        assertEquals(413, post("/revocations", "v4.public." + "A".repeat(20_000)).statusCode());
        HttpResponse<String> json =
                http.send(
                        HttpRequest.newBuilder(uri("/revocations"))
                                .header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString("{}"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertEquals(415, json.statusCode());
    }

    @Test
    void uploads_areRateLimitedPerClient() throws Exception {
        int limited = 0;
        for (int i = 0; i < 8; i++) {
            limited += post("/revocations", "garbage").statusCode() == 429 ? 1 : 0;
        }
        assertTrue(limited >= 2, "a burst of uploads is slowed down: " + limited);
        door.advance(Duration.ofSeconds(10));
        assertEquals(403, post("/revocations", "garbage").statusCode(), "and allowed again later");
    }

    private static String jtiOf(String token) throws Exception {
        String body = token.split("\\.")[2];
        byte[] all = java.util.Base64.getUrlDecoder().decode(body);
        String payload = new String(all, 0, all.length - 64, StandardCharsets.UTF_8);
        return Json.read(payload).path("jti").asText();
    }
}
