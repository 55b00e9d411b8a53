package org.latchkey.receipt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.latchkey.audit.AuditLog;
import org.latchkey.door.AuditRecord;
import org.latchkey.hal.BoltPosition;
import org.latchkey.hal.DoorState;
import org.latchkey.store.Storage;
import org.latchkey.testing.TestDoor;
import org.latchkey.testing.VirtualDoor;
import org.latchkey.token.Json;
import org.latchkey.token.RejectionReason;
import org.latchkey.token.Role;
import org.latchkey.token.TokenRejectedException;
import org.latchkey.token.UnverifiedToken;
import org.latchkey.token.Use;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;

/**
 * Every grant gets exactly one receipt, signed by the door key, made when the visit is over; a
 * refusal gets none; a visit a crash cut short gets one at the next start.
 */
class VisitReceiptsTest {
    private static final Instant T0 = Instant.parse("2026-12-07T09:00:00Z");

    @TempDir Path dir;
    VirtualDoor door;

    @BeforeEach
    void start() throws Exception {
        TestDoor.config().set("state_dir = \"state\"").write(dir);
        door = new VirtualDoor(dir, Storage.REAL, T0, true);
    }

    private List<Receipt> receipts() throws Exception {
        return door.assembly.receipts().since(0, 100).stream()
                .map(
                        r -> {
                            try {
                                return Receipt.verify(r.text(), TestDoor.DOOR.publicKey());
                            } catch (TokenRejectedException e) {
                                throw new AssertionError(e);
                            }
                        })
                .toList();
    }

    private String grant(Role role) throws Exception {
        String token =
                TestDoor.token(
                        role == Role.DELIVERY ? TestDoor.COURIER : TestDoor.OWNER,
                        role,
                        Use.ONCE,
                        door.now());
        assertTrue(door.present(token, "127.0.0.1").granted());
        door.boltSettles(BoltPosition.UNLOCKED);
        return token;
    }

    @Test
    void aDelivery_opensClosesRelocks_andGetsOneReceipt_afterThePostRoll() throws Exception {
        String token = grant(Role.DELIVERY);
        Instant granted = door.now();
        door.advance(Duration.ofSeconds(4));
        door.doorMoves(DoorState.OPEN);
        Instant opened = door.now();
        door.advance(Duration.ofSeconds(20));
        door.doorMoves(DoorState.CLOSED);
        Instant closed = door.now();
        door.advance(Duration.ofSeconds(3)); // relock_delay
        door.boltSettles(BoltPosition.LOCKED);
        Instant locked = door.now();
        assertEquals(List.of(), receipts(), "not before the camera's post-roll is over");
        door.advance(Duration.ofSeconds(10)); // camera_post_roll

        List<Receipt> all = receipts();
        assertEquals(1, all.size());
        Receipt r = all.get(0);
        UnverifiedToken t = UnverifiedToken.read(token);
        assertEquals(1, r.n());
        assertEquals(TestDoor.DOOR_ID, r.doorId());
        assertEquals(t.kid(), r.kid());
        assertEquals(t.claims().path("jti").asText(), r.jti());
        assertEquals(t.claims().path("sub").asText(), r.sub());
        assertEquals("delivery", r.role());
        assertEquals("once", r.use());
        assertEquals(granted, r.grantedAt());
        assertEquals(opened, r.openedAt().orElseThrow());
        assertEquals(closed, r.closedAt().orElseThrow());
        assertEquals(locked, r.lockedAt().orElseThrow());
        assertEquals(granted, r.cameraOn().orElseThrow());
        assertEquals(locked.plusSeconds(10), r.cameraOff().orElseThrow());
        assertEquals("relocked", r.ended());
        assertEquals(List.of(), r.alarms());
        String text = door.assembly.receipts().since(0, 1).get(0).text();
        assertTrue(!text.contains(token.substring(10, 60)), "never the token itself");

        // The receipt names the chain's head after the visit; the log names the receipt.
        String line = auditLine(r.auditSeq());
        assertEquals(r.auditHash(), sha256(line));
        AuditRecord.ReceiptIssued issued = door.recorded(AuditRecord.ReceiptIssued.class).get(0);
        assertEquals(1, issued.n());
        assertEquals(sha256(text), issued.sha256());
    }

    @Test
    void notOpened_relockedAfterUnlockWait_saysSo() throws Exception {
        grant(Role.DELIVERY);
        door.advance(Duration.ofSeconds(30)); // unlock_wait
        door.boltSettles(BoltPosition.LOCKED);
        door.advance(Duration.ofSeconds(10));
        Receipt r = receipts().get(0);
        assertEquals("not_opened", r.ended());
        assertTrue(r.openedAt().isEmpty() && r.closedAt().isEmpty());
    }

    @Test
    void aRefusal_getsNoReceipt() throws Exception {
        String token = grant(Role.DELIVERY);
        door.advance(Duration.ofSeconds(30));
        door.boltSettles(BoltPosition.LOCKED);
        door.advance(Duration.ofSeconds(10));
        assertEquals(RejectionReason.ALREADY_USED, door.present(token, "x").refusal().get());
        door.advance(Duration.ofMinutes(5));
        assertEquals(1, receipts().size());
    }

    @Test
    void aSecondGrantWhileUnlocked_endsTheFirstVisit_eachHasItsOwnReceipt() throws Exception {
        grant(Role.DELIVERY);
        door.doorMoves(DoorState.OPEN);
        String owner = TestDoor.token(TestDoor.OWNER, Role.OWNER, Use.WINDOW, door.now());
        assertTrue(door.present(owner, "127.0.0.1").granted());
        door.doorMoves(DoorState.CLOSED);
        door.advance(Duration.ofSeconds(3));
        door.boltSettles(BoltPosition.LOCKED);
        door.advance(Duration.ofSeconds(10));
        List<Receipt> all = receipts();
        assertEquals(2, all.size());
        assertEquals("superseded", all.get(0).ended());
        assertEquals("delivery", all.get(0).role());
        assertEquals("relocked", all.get(1).ended());
        assertEquals("owner", all.get(1).role());
        assertTrue(all.get(1).closedAt().isPresent());
    }

    @Test
    void aVisitACrashCutShort_getsAnInterruptedReceipt_atTheNextStart() throws Exception {
        grant(Role.DELIVERY);
        door.doorMoves(DoorState.OPEN);
        assertEquals(List.of(), receipts());
        door = door.restartAfterKill();
        List<Receipt> all = receipts();
        assertEquals(1, all.size());
        assertEquals("interrupted", all.get(0).ended());
        assertTrue(all.get(0).openedAt().isPresent(), "what the door saw before the crash");
        door = door.restartAfterKill();
        assertEquals(1, receipts().size(), "one receipt, not one per start");
    }

    @Test
    void aReceiptChangedInOneByte_isRefused_andOneFromAnotherDoorToo() throws Exception {
        grant(Role.DELIVERY);
        door.advance(Duration.ofSeconds(30));
        door.boltSettles(BoltPosition.LOCKED);
        door.advance(Duration.ofSeconds(10));
        String text = door.assembly.receipts().since(0, 1).get(0).text();
        for (int i = "v4.public.".length(); i < text.length(); i += 7) {
            char[] c = text.toCharArray();
            c[i] = c[i] == 'A' ? 'B' : 'A';
            String edited = new String(c);
            assertThrows(
                    TokenRejectedException.class,
                    () -> Receipt.verify(edited, TestDoor.DOOR.publicKey()),
                    "byte " + i);
        }
        TokenRejectedException other =
                assertThrows(
                        TokenRejectedException.class,
                        () ->
                                Receipt.verify(
                                        text,
                                        org.latchkey.token.SigningKey.fromSeed(new byte[32])
                                                .publicKey()));
        assertEquals(RejectionReason.WRONG_LOCK, other.reason());
    }

    private String auditLine(long seq) throws Exception {
        for (Path f : AuditLog.files(dir.resolve("state/audit"))) {
            for (String l : Files.readAllLines(f, StandardCharsets.UTF_8)) {
                if (Json.read(l).path("seq").asLong() == seq) {
                    return l;
                }
            }
        }
        throw new AssertionError("no record " + seq);
    }

    private static String sha256(String s) throws Exception {
        return HexFormat.of()
                .formatHex(
                        MessageDigest.getInstance("SHA-256")
                                .digest(s.getBytes(StandardCharsets.UTF_8)));
    }
}
