package org.latchkey.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.latchkey.audit.AuditLog;
import org.latchkey.audit.Checkpoints;
import org.latchkey.daemon.Latchkeyd;
import org.latchkey.door.AuditRecord;
import org.latchkey.identity.DoorKeys;
import org.latchkey.testing.OsTools;
import org.latchkey.token.Json;
import org.latchkey.token.SigningKey;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * What the door says about itself, checked outside it: a delivery's receipt verifies with the
 * door's card (and not once a byte is changed); the audit log is covered by the door's signed
 * checkpoints; and a log with a record removed and the chain rehashed — checkpoints re-signed with
 * the door key, as someone with root on the door could — passes its own check, but not against a
 * receipt or an events capture that left the door.
 */
class DoorEvidenceTest {
    @TempDir Path dir;

    final CliRun cli = new CliRun();
    final HttpClient http = HttpClient.newHttpClient();
    Path config;
    Path card;

    @BeforeEach
    void setUp() throws Exception {
        cli.clock = java.time.InstantSource.system(); // tokens for a daemon on the real clock
        ok(
                cli.run(
                        "init",
                        "--config-dir",
                        dir.toString(),
                        "--lock-id",
                        "front-door",
                        "--driver",
                        "simulated",
                        "--no-passphrase"));
        config = dir.resolve("latchkey.toml");
        String toml = Files.readString(config);
        toml =
                toml.replaceFirst("relock_delay = \"3s\"", "relock_delay = \"0s\"")
                        .replaceFirst("camera_post_roll = \"10s\"", "camera_post_roll = \"0s\"")
                        .replaceFirst("travel_time = \"700ms\"", "travel_time = \"100ms\"");
        Files.writeString(config, toml);
        card =
                Files.writeString(
                        dir.resolve("door.card"),
                        ok(cli.run(
                                        "door",
                                        "card",
                                        "--config",
                                        config.toString(),
                                        "--url",
                                        "http://127.0.0.1:9"))
                                .out());
    }

    private static CliRun.Result ok(CliRun.Result r) {
        assertEquals(0, r.code(), r.err());
        return r;
    }

    private String get(Latchkeyd.Running d, String path) throws Exception {
        return http.send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + d.port() + path))
                                .build(),
                        HttpResponse.BodyHandlers.ofString())
                .body();
    }

    private int post(Latchkeyd.Running d, String path, String body) throws Exception {
        return http.send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + d.port() + path))
                                .header("Content-Type", "text/plain")
                                .POST(HttpRequest.BodyPublishers.ofString(body))
                                .build(),
                        HttpResponse.BodyHandlers.ofString())
                .statusCode();
    }

    private void await(Latchkeyd.Running d, String path, String words) throws Exception {
        for (int i = 0; i < 400; i++) {
            if (get(d, path).contains(words)) {
                return;
            }
            Thread.sleep(25); // a real daemon in real time: polling, bounded
        }
        throw new AssertionError(path + " never said " + words + ": " + get(d, path));
    }

    /** One delivery, start to end; returns the receipt's text. */
    private String delivery(Latchkeyd.Running d, String jti) throws Exception {
        String token =
                ok(cli.run(
                                "token",
                                "issue",
                                "--key",
                                dir.resolve("owner.key").toString(),
                                "--door",
                                card.toString(),
                                "--role",
                                "guest",
                                "--sub",
                                "parcel " + jti,
                                "--once",
                                "--for",
                                "1h",
                                "--jti",
                                jti))
                        .out()
                        .strip();
        await(d, "/v1/status", "\"state\":\"LOCKED\"");
        assertEquals(200, post(d, "/v1/access", token));
        await(d, "/v1/status", "\"state\":\"UNLOCKED\"");
        post(d, "/v1/sim/door", "open");
        post(d, "/v1/sim/door", "close");
        await(d, "/v1/receipts", jti.substring(0, 0) + "\"receipt\"");
        var receipts = Json.read(get(d, "/v1/receipts")).path("receipts");
        return receipts.get(receipts.size() - 1).path("receipt").asText();
    }

    @Test
    void receipts_checkpoints_andACopyKeptOutside_catchARewrittenLog() throws Exception {
        String receipt;
        Latchkeyd.Running d = Latchkeyd.start(config, true, 0);
        try {
            receipt = delivery(d, "parcel-0000000001");
        } finally {
            d.stop();
        }
        Path receiptFile = Files.writeString(dir.resolve("receipt.txt"), receipt + "\n");
        CliRun.Result verified =
                ok(cli.run("receipt", "verify", "--card", card.toString(), receiptFile.toString()));
        assertTrue(verified.out().contains("ended      relocked"), verified.out());
        assertTrue(verified.out().contains("parcel parcel-0000000001"), verified.out());
        char[] c = receipt.toCharArray();
        c[40] = c[40] == 'A' ? 'B' : 'A';
        CliRun.Result edited =
                cli.run("receipt", "verify", "--card", card.toString(), new String(c));
        assertEquals(ExitCode.REJECTED, edited.code(), edited.out());
        secondImplementationAgrees(receiptFile, new String(c));
        CliRun.Result listed = ok(cli.run("receipt", "list", "--config", config.toString()));
        assertTrue(listed.out().contains("receipt 1 of \"front-door\""), listed.out());

        CliRun.Result intact = ok(cli.run("audit", "verify", "--config", config.toString()));
        assertTrue(intact.out().contains("signed by the door up to record"), intact.out());

        // An events capture kept outside: the log as it was, line by line (what MQTT carried).
        Path log = dir.resolve("state/audit/audit.log");
        Path capture = Files.write(dir.resolve("capture.txt"), Files.readAllLines(log));
        ok(
                cli.run(
                        "audit",
                        "verify",
                        "--config",
                        config.toString(),
                        "--against",
                        capture.toString()));

        // Someone with root removes the grant and rehashes everything after it, checkpoints
        // re-signed with the door key itself.
        rewriteWithout(log, "granted");
        CliRun.Result fooled = ok(cli.run("audit", "verify", "--config", config.toString()));
        assertTrue(fooled.out().contains("audit log intact"), "the chain alone cannot tell");

        CliRun.Result byCapture =
                cli.run(
                        "audit",
                        "verify",
                        "--config",
                        config.toString(),
                        "--against",
                        capture.toString());
        assertEquals(ExitCode.REJECTED, byCapture.code(), byCapture.out());
        assertTrue(byCapture.err().contains("AUDIT_DIFFERS"), byCapture.err());
        assertTrue(byCapture.err().contains("was changed"), byCapture.err());
        CliRun.Result byReceipt =
                cli.run(
                        "audit",
                        "verify",
                        "--config",
                        config.toString(),
                        "--against",
                        receiptFile.toString());
        assertEquals(ExitCode.REJECTED, byReceipt.code(), byReceipt.out());
        assertTrue(byReceipt.err().contains("the head a receipt names"), byReceipt.err());
    }

    /**
     * docs/token-example/verify.mjs — PASETO, PASERK and BLAKE2b written out again in JavaScript,
     * on nothing but Node's own Ed25519 — reads the card, the receipt and a checkpoint as the token
     * profile says, and refuses the receipt edited by one byte.
     */
    private void secondImplementationAgrees(Path receipt, String edited) throws Exception {
        Path node = OsTools.require("node", "nodejs");
        Path verify = Path.of("..", "docs", "token-example", "verify.mjs").toAbsolutePath();
        String doorId =
                Json.read(
                                ok(cli.run(
                                                "door",
                                                "card",
                                                "--config",
                                                config.toString(),
                                                "--url",
                                                "http://127.0.0.1:9",
                                                "--json"))
                                        .out())
                        .path("door_id")
                        .asText();

        ObjectNode read = (ObjectNode) Json.read(run(0, node, verify, "card", card.toString()));
        assertEquals(doorId, read.path("door_id").asText());
        assertEquals("front-door", read.path("lock_id").asText());
        assertTrue(read.path("endorsed_by").has("owner_kid"), read.toString());
        run(0, node, verify, "card", card.toString(), "--owner-key", dir.resolve("owner.pub"));
        String stranger =
                run(
                        3,
                        node,
                        verify,
                        "card",
                        card.toString(),
                        "--owner-key",
                        "k4.public." + "A".repeat(43));
        assertTrue(stranger.contains("NOT_ENDORSED"), stranger);

        ObjectNode r =
                (ObjectNode)
                        Json.read(
                                run(
                                        0,
                                        node,
                                        verify,
                                        "receipt",
                                        "--card",
                                        card.toString(),
                                        receipt.toString()));
        assertEquals("parcel-0000000001", r.path("jti").asText());
        assertEquals("relocked", r.path("ended").asText());

        String checkpoint = null;
        for (String line : Files.readAllLines(dir.resolve("state/audit/audit.log"))) {
            if (line.contains("\"type\":\"checkpoint\"")) {
                checkpoint = Json.read(line).path("signature").asText();
            }
        }
        assertTrue(checkpoint != null, "the daemon's stop wrote a checkpoint");
        ObjectNode cp =
                (ObjectNode)
                        Json.read(
                                run(
                                        0,
                                        node,
                                        verify,
                                        "checkpoint",
                                        "--card",
                                        card.toString(),
                                        checkpoint));
        assertEquals(doorId, cp.path("door").asText());

        String refused = run(3, node, verify, "receipt", "--card", card.toString(), edited);
        assertTrue(refused.startsWith("rejected: "), refused);
    }

    /** Runs a program, checks its exit code, returns its stdout (its stderr when it failed). */
    private static String run(int expected, Path program, Object... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(program.toString()));
        for (Object a : args) {
            command.add(a.toString());
        }
        Process p =
                new ProcessBuilder(command)
                        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                        .start();
        var err = p.getErrorStream();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String errText = new String(err.readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS), "node finished");
        assertEquals(expected, p.exitValue(), command + "\n" + out + errText);
        return expected == 0 ? out : errText;
    }

    /** Removes the first record of {@code type}, renumbers and rehashes, re-signs checkpoints. */
    private void rewriteWithout(Path log, String type) throws Exception {
        SigningKey door = DoorKeys.readKey(dir.resolve("state")).orElseThrow();
        List<String> out = new ArrayList<>();
        Map<Long, Long> renumbered = new HashMap<>();
        Map<Long, String> hashes = new HashMap<>();
        String prev = null;
        long seq = -1;
        boolean removed = false;
        for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
            ObjectNode o = (ObjectNode) Json.read(line);
            if (!removed && o.path("type").asText().equals(type)) {
                removed = true;
                continue;
            }
            long old = o.path("seq").asLong();
            seq = prev == null ? old : seq + 1;
            renumbered.put(old, seq);
            o.put("seq", seq);
            if (prev != null) {
                o.put("prev", prev);
            }
            if (o.path("type").asText().equals("checkpoint")) {
                long covers = renumbered.get(o.path("covers_seq").asLong());
                AuditRecord.Checkpoint again =
                        Checkpoints.sign(door, covers, hashes.get(covers), Instant.now());
                o.put("covers_seq", covers);
                o.put("head", again.head());
                o.put("signature", again.signature());
            }
            String written = Json.write(o);
            prev = sha256(written);
            hashes.put(seq, prev);
            out.add(written);
        }
        assertTrue(removed, "no " + type + " record to remove");
        Files.write(log, out, StandardCharsets.UTF_8);
        assertTrue(AuditLog.files(log.getParent()).size() == 1);
    }

    private static String sha256(String s) throws Exception {
        return HexFormat.of()
                .formatHex(
                        MessageDigest.getInstance("SHA-256")
                                .digest(s.getBytes(StandardCharsets.UTF_8)));
    }
}
