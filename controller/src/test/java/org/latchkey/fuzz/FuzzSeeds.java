package org.latchkey.fuzz;

import com.fasterxml.jackson.databind.JsonNode;

import org.latchkey.scanner.InputEvent;
import org.latchkey.scanner.KeyTyping;
import org.latchkey.testing.TestDoor;
import org.latchkey.token.AccessClaims;
import org.latchkey.token.AccessTokens;
import org.latchkey.token.Json;
import org.latchkey.token.PasetoV4Public;
import org.latchkey.token.Role;
import org.latchkey.token.SigningKey;
import org.latchkey.token.Use;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes the committed seed corpus of every fuzz target (src/test/resources/…/*FuzzTestInputs/):
 * the published PASETO v4 vectors, tokens for the fuzz door, and every bad-input case of the threat
 * notes (bit flips, truncations, stray bytes, other versions, other locks, expired, outside hours,
 * revoked…). Run from the repository's top folder after changing it:
 *
 * <pre>
 * ./mvnw -q -pl controller test-compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt &&
 * java -cp controller/target/test-classes:controller/target/classes:$(cat controller/target/cp.txt) org.latchkey.fuzz.FuzzSeeds
 * </pre>
 */
final class FuzzSeeds {
    private static final Path CONTROLLER =
            Path.of("controller/src/test/resources/org/latchkey/fuzz");
    private static final Path PROVISIONING =
            Path.of("provisioning/src/test/resources/org/latchkey/fuzz");
    private static final Instant NOW = FuzzDoor.NOW;

    private FuzzSeeds() {}

    public static void main(String[] args) throws IOException {
        Map<String, byte[]> tokens = tokens();
        write(CONTROLLER.resolve("TokenFuzzTestInputs/accessToken"), tokens);
        write(CONTROLLER.resolve("ScannerFuzzTestInputs/lines"), scannerStreams(tokens));
        write(CONTROLLER.resolve("ScannerFuzzTestInputs/keys"), keyboardScans(tokens));
        write(PROVISIONING.resolve("TokenInspectFuzzTestInputs/inspect"), tokens);
        write(CONTROLLER.resolve("TokenFuzzTestInputs/revocationList"), lists());
        write(CONTROLLER.resolve("TokenFuzzTestInputs/enrolment"), enrolments());
        write(CONTROLLER.resolve("ConfigFuzzTestInputs/load"), configs());
        write(CONTROLLER.resolve("HttpFuzzTestInputs/request"), requests(tokens));
        write(CONTROLLER.resolve("AuditFuzzTestInputs/verify"), audits());
    }

    private static void write(Path dir, Map<String, byte[]> seeds) throws IOException {
        Files.createDirectories(dir);
        for (Map.Entry<String, byte[]> e : seeds.entrySet()) {
            Files.write(dir.resolve(e.getKey()), e.getValue());
        }
        System.out.println(dir + ": " + seeds.size() + " seeds");
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static String token(
            SigningKey key,
            String jti,
            Instant iat,
            Instant nbf,
            Instant exp,
            Use use,
            Role role,
            String lock) {
        return AccessTokens.issue(
                key, new AccessClaims("seed", lock, jti, iat, nbf, exp, use, role, "seed " + jti));
    }

    /** Tokens, good and bad in every way the threat notes list (security.md, bad input 1–13). */
    static Map<String, byte[]> tokens() throws IOException {
        Map<String, byte[]> s = new LinkedHashMap<>();
        Instant nbf = NOW.minusSeconds(300);
        String courier =
                token(
                        TestDoor.COURIER,
                        "seed-courier-000001",
                        nbf,
                        nbf,
                        NOW.plus(Duration.ofHours(2)),
                        Use.ONCE,
                        Role.DELIVERY,
                        TestDoor.DOOR_ID);
        String owner =
                token(
                        TestDoor.OWNER,
                        "seed-owner-0000001",
                        nbf,
                        nbf,
                        NOW.plus(Duration.ofDays(1)),
                        Use.WINDOW,
                        Role.OWNER,
                        TestDoor.DOOR_ID);
        s.put("valid-courier", ascii(courier));
        s.put("valid-owner", ascii(owner));
        s.put("scanner-line-end", ascii(courier + "\r\n"));
        // 1: single bit flips of the bytes and of the text.
        for (int i :
                new int[] {
                    0, 9, 10, 40, courier.length() / 2, courier.length() - 70, courier.length() - 1
                }) {
            byte[] b = ascii(courier);
            b[i] ^= 0x01;
            s.put("bitflip-" + i, b);
        }
        // 2: truncations, an extra byte, a trailing NUL, 64 extra bytes.
        s.put("truncated-half", ascii(courier.substring(0, courier.length() / 2)));
        s.put("truncated-1", ascii(courier.substring(0, courier.length() - 1)));
        s.put("extra-byte", ascii(courier + "A"));
        s.put("trailing-nul", ascii(courier + "\0"));
        s.put("extra-64", ascii(courier + "A".repeat(64)));
        // 3: empty, and too long (the limit is 2048 bytes).
        s.put("empty", new byte[0]);
        s.put("too-long", ascii("v4.public." + "A".repeat(3000)));
        // 4: non-ASCII, outside base64url, padding, non-canonical, NUL, embedded CR/LF.
        s.put(
                "non-ascii",
                (courier.substring(0, 20) + "é" + courier.substring(21))
                        .getBytes(StandardCharsets.UTF_8));
        s.put("not-base64url", ascii(courier.substring(0, 20) + "+" + courier.substring(21)));
        s.put("padded", ascii(courier.replace(".eyJ", ".eyJ==")));
        s.put("embedded-crlf", ascii(courier.substring(0, 30) + "\r\n" + courier.substring(30)));
        s.put("embedded-nul", ascii(courier.substring(0, 30) + "\0" + courier.substring(30)));
        // 5: other versions and purposes; a footer of another shape.
        s.put("v4-local", ascii(courier.replace("v4.public.", "v4.local.")));
        s.put("v3-public", ascii(courier.replace("v4.public.", "v3.public.")));
        s.put("v2-public", ascii(courier.replace("v4.public.", "v2.public.")));
        s.put(
                "footer-json",
                ascii(
                        PasetoV4Public.sign(
                                TestDoor.COURIER,
                                new AccessClaims(
                                                "seed",
                                                TestDoor.DOOR_ID,
                                                "seed-footer-000001",
                                                nbf,
                                                nbf,
                                                NOW.plusSeconds(3600),
                                                Use.ONCE,
                                                Role.DELIVERY,
                                                "x")
                                        .toJson(),
                                ascii("{\"kid\":\"k4.pid.x\",\"extra\":1}"),
                                new byte[0])));
        s.put(
                "no-footer",
                ascii(
                        PasetoV4Public.sign(
                                TestDoor.COURIER, ascii("{}"), new byte[0], new byte[0])));
        // 6: another lock, expired by skew + 1 s, exactly at the boundary, not yet valid.
        s.put(
                "wrong-lock",
                ascii(
                        token(
                                TestDoor.COURIER,
                                "seed-otherlock-0001",
                                nbf,
                                nbf,
                                NOW.plusSeconds(3600),
                                Use.ONCE,
                                Role.DELIVERY,
                                TestDoor.OTHER_DOOR_ID)));
        // The door's lock_id where its door id belongs (a token from before door identities).
        s.put(
                "by-lock-id",
                ascii(
                        token(
                                TestDoor.COURIER,
                                "seed-bylockid-0001",
                                nbf,
                                nbf,
                                NOW.plusSeconds(3600),
                                Use.ONCE,
                                Role.DELIVERY,
                                TestDoor.LOCK)));
        s.put(
                "expired-skew-plus-1",
                ascii(
                        token(
                                TestDoor.COURIER,
                                "seed-expired-00001",
                                nbf.minusSeconds(3600),
                                nbf.minusSeconds(3600),
                                NOW.minusSeconds(61),
                                Use.ONCE,
                                Role.DELIVERY,
                                TestDoor.DOOR_ID)));
        s.put(
                "expiry-boundary",
                ascii(
                        token(
                                TestDoor.COURIER,
                                "seed-boundary-0001",
                                nbf,
                                nbf,
                                NOW.minusSeconds(59),
                                Use.ONCE,
                                Role.DELIVERY,
                                TestDoor.DOOR_ID)));
        s.put(
                "not-yet-valid",
                ascii(
                        token(
                                TestDoor.COURIER,
                                "seed-notyet-000001",
                                NOW,
                                NOW.plusSeconds(3600),
                                NOW.plusSeconds(7200),
                                Use.ONCE,
                                Role.DELIVERY,
                                TestDoor.DOOR_ID)));
        // 7: a window longer than the key may grant; a role the key may not sign; outside its
        // hours.
        s.put(
                "window-too-long",
                ascii(
                        token(
                                TestDoor.COURIER,
                                "seed-window-000001",
                                nbf,
                                nbf,
                                nbf.plus(Duration.ofHours(5)),
                                Use.ONCE,
                                Role.DELIVERY,
                                TestDoor.DOOR_ID)));
        s.put(
                "role-not-allowed",
                ascii(
                        token(
                                TestDoor.COURIER,
                                "seed-role-00000001",
                                nbf,
                                nbf,
                                NOW.plusSeconds(3600),
                                Use.ONCE,
                                Role.GUEST,
                                TestDoor.DOOR_ID)));
        Instant sunday = Instant.parse("2026-11-29T10:00:00Z");
        s.put(
                "outside-hours",
                ascii(
                        token(
                                TestDoor.COURIER,
                                "seed-hours-0000001",
                                sunday,
                                sunday,
                                sunday.plusSeconds(3600),
                                Use.ONCE,
                                Role.DELIVERY,
                                TestDoor.DOOR_ID)));
        // 9, 10: a revoked jti; an unknown key.
        s.put(
                "revoked",
                ascii(
                        token(
                                TestDoor.COURIER,
                                "revoked-0000000001",
                                nbf,
                                nbf,
                                NOW.plusSeconds(3600),
                                Use.ONCE,
                                Role.DELIVERY,
                                TestDoor.DOOR_ID)));
        SigningKey stranger = SigningKey.fromSeed(new byte[32]);
        s.put(
                "unknown-key",
                ascii(
                        token(
                                stranger,
                                "seed-stranger-0001",
                                nbf,
                                nbf,
                                NOW.plusSeconds(3600),
                                Use.ONCE,
                                Role.OWNER,
                                TestDoor.DOOR_ID)));
        // A pass with its own weekly hours (valid), and one whose hours name no door id.
        s.put(
                "hours-pass",
                ascii(
                        AccessTokens.issue(
                                TestDoor.OWNER,
                                new AccessClaims(
                                        "seed",
                                        TestDoor.DOOR_ID,
                                        "seed-hours-0000001",
                                        nbf,
                                        nbf,
                                        NOW.plus(Duration.ofDays(20)),
                                        Use.WINDOW,
                                        Role.GUEST,
                                        "seed",
                                        java.util.Optional.of(
                                                org.latchkey.token.WeeklyHours.parse(
                                                        "Mon-Fri 08:00-18:00; Sat"
                                                                + " 09:00-13:00"))))));
        // 13: iat far ahead of the clock.
        s.put(
                "iat-9999",
                ascii(
                        token(
                                TestDoor.OWNER,
                                "seed-iat-000000001",
                                Instant.parse("9999-12-31T00:00:00Z"),
                                nbf,
                                NOW.plusSeconds(3600),
                                Use.WINDOW,
                                Role.OWNER,
                                TestDoor.DOOR_ID)));
        // Claims that are valid JSON but not valid claims, signed by a trusted key.
        for (String[] bad :
                new String[][] {
                    {"claims-array", "[]"},
                    {"claims-dup", "{\"aud\":\"a\",\"aud\":\"a\"}"},
                    {"claims-deep", "{\"a\":" + "[".repeat(40) + "]".repeat(40) + "}"},
                    {"claims-bignum", "{\"n\":1234567890123456789012345678901234567890}"},
                    {"claims-c1", "{\"sub\":\"\\u009b31m\"}"},
                    {"claims-hours-garbage", "{\"hours\":\"Mon-Xyz 25:00-26:61;;\"}"},
                    {"claims-hours-number", "{\"hours\":1000}"},
                    {"claims-hours-long", "{\"hours\":\"" + "Mon 08:00-09:00; ".repeat(20) + "\"}"},
                    {"claims-surrogate", "{\"sub\":\"\\ud800\"}"}
                }) {
            s.put(
                    bad[0],
                    ascii(
                            PasetoV4Public.sign(
                                    TestDoor.COURIER,
                                    ascii(bad[1]),
                                    AccessTokens.footerFor(TestDoor.COURIER.publicKey()),
                                    new byte[0])));
        }
        // 12: the official PASETO v4 vectors (public ones: 4-S-* and 4-F-*).
        try (InputStream in = FuzzSeeds.class.getResourceAsStream("/vectors/paseto-v4.json")) {
            JsonNode root = Json.read(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            for (JsonNode t : root.path("tests")) {
                String name = t.path("name").asText().replaceAll("[^A-Za-z0-9-]", "_");
                if (t.path("token").isTextual()) {
                    s.put("vector-" + name, ascii(t.path("token").asText()));
                }
            }
        }
        return s;
    }

    private static Map<String, byte[]> scannerStreams(Map<String, byte[]> tokens) {
        Map<String, byte[]> s = new LinkedHashMap<>();
        String courier = new String(tokens.get("valid-courier"), StandardCharsets.ISO_8859_1);
        s.put("lf", ascii(courier + "\n"));
        s.put("crlf", ascii(courier + "\r\n"));
        s.put("cr-only", ascii(courier + "\r" + courier + "\r"));
        s.put("blank-lines", ascii("\n\r\n\r" + courier + "\n\n"));
        s.put("overlong-then-good", ascii("x".repeat(3000) + "\n" + courier + "\n"));
        s.put("no-line-end", ascii(courier));
        s.put("binary", HexFormat.of().parseHex("00ff0a0d80fe0a"));
        return s;
    }

    /** A keyboard-mode scanner's event records: a token in both record sizes and layouts. */
    private static Map<String, byte[]> keyboardScans(Map<String, byte[]> tokens) {
        Map<String, byte[]> s = new LinkedHashMap<>();
        String courier = new String(tokens.get("valid-courier"), StandardCharsets.ISO_8859_1);
        s.put("us-64", KeyTyping.scan(courier, KeyTyping.US, InputEvent.Layout.BITS_64));
        s.put("us-32", KeyTyping.scan(courier, KeyTyping.US, InputEvent.Layout.BITS_32));
        s.put("german-64", KeyTyping.scan(courier, KeyTyping.german(), InputEvent.Layout.BITS_64));
        byte[] dropped = InputEvent.Layout.BITS_64.write(InputEvent.syn(InputEvent.SYN_DROPPED));
        byte[] scan = KeyTyping.scan(courier, KeyTyping.US, InputEvent.Layout.BITS_64);
        byte[] both = java.util.Arrays.copyOf(scan, scan.length + dropped.length);
        System.arraycopy(dropped, 0, both, scan.length / 2 / 24 * 24, dropped.length);
        s.put("syn-dropped", both);
        return s;
    }

    /** Enrolments: one the door takes, and each way one is refused. */
    private static Map<String, byte[]> enrolments() {
        Map<String, byte[]> s = new LinkedHashMap<>();
        SigningKey phone =
                SigningKey.fromSeed(
                        new byte[] {
                            9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9,
                            9, 9, 9, 9, 9, 9, 9, 9
                        });
        java.util.function.BiFunction<SigningKey, org.latchkey.token.IssuerPolicy, String> enrol =
                (signer, policy) ->
                        org.latchkey.token.AccessTokens.sign(
                                signer,
                                org.latchkey.token.Enrolment.claims(
                                        new org.latchkey.token.TrustedIssuer(
                                                "anna-phone", phone.publicKey(), policy),
                                        TestDoor.DOOR_ID,
                                        "enrol-seed-0000000001",
                                        NOW.minusSeconds(60),
                                        java.time.Duration.ofMinutes(10)));
        var owner =
                new org.latchkey.token.IssuerPolicy(
                        java.util.EnumSet.of(org.latchkey.token.Role.OWNER),
                        java.time.Duration.ofDays(30),
                        java.util.Optional.empty(),
                        false);
        var long_ =
                new org.latchkey.token.IssuerPolicy(
                        java.util.EnumSet.of(org.latchkey.token.Role.GUEST),
                        java.time.Duration.ofDays(366),
                        java.util.Optional.of(
                                org.latchkey.token.WeeklyHours.parse("Tue 10:00-13:00")),
                        true);
        s.put("valid", ascii(enrol.apply(TestDoor.OWNER, owner)));
        s.put("beyond-its-signer", ascii(enrol.apply(TestDoor.OWNER, long_)));
        s.put("courier-signed", ascii(enrol.apply(TestDoor.COURIER, owner)));
        s.put(
                "access-token",
                ascii(
                        token(
                                TestDoor.OWNER,
                                "owner-0000000000001",
                                NOW,
                                NOW,
                                NOW.plusSeconds(3600),
                                Use.ONCE,
                                Role.OWNER,
                                TestDoor.DOOR_ID)));
        return s;
    }

    private static Map<String, byte[]> lists() {
        Map<String, byte[]> s = new LinkedHashMap<>();
        String ref = TestDoor.COURIER.publicKey().pid() + "/some-token-0000001";
        String[][] payloads = {
            {
                "valid",
                "{\"typ\":\"latchkey-revocation\",\"aud\":\""
                        + TestDoor.DOOR_ID
                        + "\",\"seq\":4,\"iat\":\"2026-11-25T09:00:00Z\","
                        + "\"jti\":[\""
                        + ref
                        + "\"],\"kid\":[]}"
            },
            {
                "fleet",
                "{\"typ\":\"latchkey-revocation\",\"aud\":\"fleet-7\",\"seq\":1,\"iat\":\"2026-11-25T09:00:00Z\"}"
            },
            {
                "stale-seq",
                "{\"typ\":\"latchkey-revocation\",\"aud\":\""
                        + TestDoor.DOOR_ID
                        + "\",\"seq\":3,\"iat\":\"2026-11-25T09:00:00Z\"}"
            },
            {
                "seq-float",
                "{\"typ\":\"latchkey-revocation\",\"aud\":\""
                        + TestDoor.DOOR_ID
                        + "\",\"seq\":1e2,\"iat\":\"2026-11-25T09:00:00Z\"}"
            },
            {
                "seq-max",
                "{\"typ\":\"latchkey-revocation\",\"aud\":\""
                        + TestDoor.DOOR_ID
                        + "\",\"seq\":9223372036854775807,"
                        + "\"iat\":\"2026-11-25T09:00:00Z\"}"
            },
            {
                "wrong-aud",
                "{\"typ\":\"latchkey-revocation\",\"aud\":\"back-door\",\"seq\":9,\"iat\":\"2026-11-25T09:00:00Z\"}"
            },
            {
                "bad-entry",
                "{\"typ\":\"latchkey-revocation\",\"aud\":\""
                        + TestDoor.DOOR_ID
                        + "\",\"seq\":9,\"iat\":\"2026-11-25T09:00:00Z\","
                        + "\"jti\":[\"nope\"]}"
            },
            {
                "by-lock-id",
                "{\"typ\":\"latchkey-revocation\",\"aud\":\"front-door\",\"seq\":9,\"iat\":\"2026-11-25T09:00:00Z\"}"
            },
            {"not-a-list", "{\"aud\":\"" + TestDoor.DOOR_ID + "\"}"},
        };
        for (String[] p : payloads) {
            s.put(p[0], ascii(AccessTokens.sign(TestDoor.OWNER, ascii(p[1]))));
        }
        s.put("courier-signed", ascii(AccessTokens.sign(TestDoor.COURIER, ascii(payloads[0][1]))));
        return s;
    }

    private static Map<String, byte[]> configs() {
        Map<String, byte[]> s = new LinkedHashMap<>();
        String good =
                TestDoor.config()
                        .set("timezone = \"Europe/Berlin\"")
                        .set("fleet_id = \"fleet-7\"")
                        .set("state_dir = \"state\"")
                        .table(
                                "[clock]\n"
                                        + "skew = \"90s\"\n"
                                        + "battery_backed_rtc = true\n"
                                        + "trusted_clock_roles = [\"delivery\"]")
                        .table(
                                "[door]\n"
                                        + "mode = \"privacy\"\n"
                                        + "unlock_wait = \"20s\"\n"
                                        + "relock_delay = \"5s\"\n"
                                        + "require_camera = false")
                        .table(
                                "[api]\n"
                                        + "bind = \"127.0.0.1\"\n"
                                        + "port = 8787\n"
                                        + "rejections_per_second = 5")
                        .table("[audit]\nmax_size = \"16MiB\"")
                        .table("[scanner]\ndevice = \"/dev/ttyACM0\"")
                        .table(
                                "[hal]\n"
                                        + "driver = \"pi4j\"\n\n"
                                        + "[hal.contact]\n"
                                        + "pin = 17\n\n"
                                        + "[hal.bolt]\n"
                                        + "pwm_chip = 0\n"
                                        + "pwm_channel = 0\n"
                                        + "travel_time = \"700ms\"\n\n"
                                        + "[hal.camera]\n"
                                        + "trigger_pin = 22")
                        .courier("hours = \"Mon-Sat 08:00-20:00\"")
                        .courier("once_only = true")
                        .toml();
        s.put("good", ascii(good));
        s.put("minimal", ascii(TestDoor.config().toml()));
        s.put(
                "duplicate-key",
                ascii(
                        good.replace(
                                "lock_id = \"front-door\"", "lock_id = \"a\"\nlock_id = \"b\"")));
        s.put("unterminated", ascii("lock_id = \"front-door\n"));
        s.put(
                "max-window-1h1h",
                ascii(good.replace("max_window = \"4h\"", "max_window = \"1h1h\"")));
        s.put("huge-number", ascii(good.replace("port = 8787", "port = 99999999999999999999999")));
        s.put("deep", ascii("a = " + "[".repeat(100) + "]".repeat(100)));
        s.put("unknown-key", ascii(good.replace("[door]", "[door]\nunlock_wiat = \"1s\"")));
        s.put("no-owner", ascii("lock_id = \"x\"\n"));
        s.put(
                "small-order-key",
                ascii(
                        good.replace(
                                TestDoor.OWNER.publicKey().paserk(),
                                "k4.public.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")));
        return s;
    }

    private static Map<String, byte[]> requests(Map<String, byte[]> tokens) {
        Map<String, byte[]> s = new LinkedHashMap<>();
        String courier = new String(tokens.get("valid-courier"), StandardCharsets.ISO_8859_1);
        s.put(
                "access",
                ascii(
                        "POST /v1/access HTTP/1.1\r\n"
                                + "Host: x\r\n"
                                + "Content-Type: text/plain\r\n"
                                + "Content-Length: "
                                + courier.length()
                                + "\r\n\r\n"
                                + courier));
        s.put("status", ascii("GET /v1/status HTTP/1.1\r\nHost: x\r\n\r\n"));
        s.put("wrong-method", ascii("DELETE /v1/access HTTP/1.1\r\nHost: x\r\n\r\n"));
        s.put(
                "wrong-type",
                ascii(
                        "POST /v1/access HTTP/1.1\r\n"
                                + "Content-Type: application/json\r\n"
                                + "Content-Length: 2\r\n\r\n"
                                + "{}"));
        s.put(
                "too-large",
                ascii(
                        "POST /v1/access HTTP/1.1\r\n"
                                + "Content-Type: text/plain\r\n"
                                + "Content-Length: 999999\r\n\r\n"
                                + "x"));
        s.put(
                "length-abc",
                ascii(
                        "POST /v1/access HTTP/1.1\r\n"
                                + "Content-Type: text/plain\r\n"
                                + "Content-Length: abc\r\n\r\n"
                                + "x"));
        s.put("nul-in-path", ascii("GET /v1/st\0atus HTTP/1.1\r\n\r\n"));
        s.put("connect", ascii("CONNECT example.org:443 HTTP/1.1\r\n\r\n"));
        s.put("options-star", ascii("OPTIONS * HTTP/1.1\r\n\r\n"));
        s.put(
                "huge-header",
                ascii("GET /v1/status HTTP/1.1\r\nX: " + "a".repeat(20000) + "\r\n\r\n"));
        s.put(
                "chunked",
                ascii(
                        "POST /v1/access HTTP/1.1\r\n"
                                + "Content-Type: text/plain\r\n"
                                + "Transfer-Encoding: chunked\r\n\r\n"
                                + "5\r\n"
                                + "hello\r\n"
                                + "0\r\n\r\n"));
        s.put(
                "mode-no-auth",
                ascii(
                        "POST /v1/mode HTTP/1.1\r\n"
                                + "Content-Type: text/plain\r\n"
                                + "Content-Length: 7\r\n\r\n"
                                + "privacy"));
        s.put(
                "revocations",
                ascii(
                        "POST /v1/revocations HTTP/1.1\r\n"
                                + "Content-Type: text/plain\r\n"
                                + "Content-Length: 3\r\n\r\n"
                                + "abc"));
        s.put(
                "sim-door",
                ascii(
                        "POST /v1/sim/door HTTP/1.1\r\n"
                                + "Content-Type: text/plain\r\n"
                                + "Content-Length: 5\r\n\r\n"
                                + "force"));
        s.put("garbage", HexFormat.of().parseHex("16030100a5010000a10303"));
        s.put("http09", ascii("GET /\r\n"));
        return s;
    }

    private static Map<String, byte[]> audits() throws IOException {
        Map<String, byte[]> s = new LinkedHashMap<>();
        byte[] old;
        try (InputStream in =
                FuzzSeeds.class.getResourceAsStream("/compat/audit-written-by-0.1.log")) {
            old = in.readAllBytes();
        }
        s.put("first-release", old);
        String text = new String(old, StandardCharsets.UTF_8);
        List<String> lines = new ArrayList<>(text.lines().toList());
        s.put("first-three", ascii(String.join("\n", lines.subList(0, 3)) + "\n"));
        s.put("crlf", ascii(String.join("\r\n", lines.subList(0, 5)) + "\r\n"));
        s.put("torn-tail", ascii(String.join("\n", lines.subList(0, 4)) + "\n{\"seq\":4,\"ts\""));
        s.put(
                "altered",
                ascii(
                        String.join("\n", lines.subList(0, 6)).replace("\"CLOSED\"", "\"OPEN\"")
                                + "\n"));
        s.put("pruned-start", ascii(String.join("\n", lines.subList(10, 20)) + "\n"));
        s.put("invalid-utf8", HexFormat.of().parseHex("7b22736571223a302cff7d0a"));
        s.put("empty", new byte[0]);
        return s;
    }
}
