package org.latchkey.access;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.latchkey.door.AuditRecord;
import org.latchkey.door.Outcome;
import org.latchkey.store.Storage;
import org.latchkey.testing.TestDoor;
import org.latchkey.testing.VirtualDoor;
import org.latchkey.token.AccessClaims;
import org.latchkey.token.AccessTokens;
import org.latchkey.token.Enrolment;
import org.latchkey.token.IssuerPolicy;
import org.latchkey.token.RejectionReason;
import org.latchkey.token.Role;
import org.latchkey.token.SigningKey;
import org.latchkey.token.TrustedIssuer;
import org.latchkey.token.Use;
import org.latchkey.token.WeeklyHours;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The outside review's attacks on enrolled keys, each now refused: a revoked phone takes what it
 * enrolled with it; an enrolled key never gets more than its signer; a phone's revocation list has
 * a place of its own (it never un-revokes the owners'); a clock set back revives no enrolment;
 * enrolling a removed phone again brings back nothing it enrolled.
 */
class EnrolmentAttacksTest {
    // a Tuesday
    private static final Instant NOW = Instant.parse("2026-12-08T09:00:00Z");
    private static final SigningKey PHONE = SigningKey.generate(new SecureRandom());
    private static final SigningKey THIEF = SigningKey.generate(new SecureRandom());
    private static final SigningKey THIEF2 = SigningKey.generate(new SecureRandom());
    private static final AtomicInteger N = new AtomicInteger();
    private static final SigningKey SITTER = SigningKey.generate(new SecureRandom());
    private static final SigningKey ANNA = SigningKey.generate(new SecureRandom());
    private static final SigningKey NEW_OWNER = SigningKey.generate(new SecureRandom());

    private static String kid(SigningKey k) {
        return k.publicKey().pid();
    }

    private static final IssuerPolicy SITTER_POLICY =
            new IssuerPolicy(
                    EnumSet.of(Role.OWNER),
                    Duration.ofHours(1),
                    Optional.of(WeeklyHours.parse("Sat 09:00-10:00")),
                    true);

    @TempDir Path dir;
    VirtualDoor door;

    @BeforeEach
    void start() throws Exception {
        TestDoor.config().set("state_dir = \"state\"").set("timezone = \"Etc/UTC\"").write(dir);
        door = new VirtualDoor(dir, Storage.REAL, NOW, true);
    }

    private String enrol(SigningKey signer, SigningKey key, String name, IssuerPolicy p) {
        return AccessTokens.sign(
                signer,
                Enrolment.claims(
                        new TrustedIssuer(name, key.publicKey(), p),
                        TestDoor.DOOR_ID,
                        "enrol-" + N.incrementAndGet() + "-0123456789ab",
                        door.now(),
                        Duration.ofMinutes(10)));
    }

    private static IssuerPolicy owner(Duration w) {
        return new IssuerPolicy(EnumSet.of(Role.OWNER), w, Optional.empty(), false);
    }

    private String pass(SigningKey key, Role role, Use use, Duration window) {
        return AccessTokens.issue(
                key,
                new AccessClaims(
                        "x",
                        TestDoor.DOOR_ID,
                        "pass-" + N.incrementAndGet() + "-0123456789ab",
                        door.now(),
                        door.now().minusSeconds(5),
                        door.now().plus(window),
                        use,
                        role,
                        "s"));
    }

    private String list(SigningKey signer, long seq, String kidsJson) {
        return AccessTokens.sign(
                signer,
                ("{\"typ\":\"latchkey-revocation\",\"aud\":\""
                                + TestDoor.DOOR_ID
                                + "\",\"seq\":"
                                + seq
                                + ",\"iat\":\""
                                + door.now()
                                + "\",\"kid\":"
                                + kidsJson
                                + "}")
                        .getBytes(StandardCharsets.UTF_8));
    }

    private Outcome present(String t) throws Exception {
        Outcome o = door.present(t, "127.0.0.1");
        if (o.granted()) door.unlockAndRelock();
        return o;
    }

    @Test
    void aRevokedPhone_takesTheKeysItEnrolledWithIt() throws Exception {
        assertTrue(
                door.assembly
                        .gate()
                        .enrol(
                                enrol(
                                        TestDoor.OWNER,
                                        PHONE,
                                        "anna-phone",
                                        owner(Duration.ofDays(30))),
                                "s")
                        .granted());
        // the phone is stolen; the thief enrols his own key with it
        assertTrue(
                door.assembly
                        .gate()
                        .enrol(enrol(PHONE, THIEF, "spare", owner(Duration.ofDays(30))), "s")
                        .granted());
        // the owner revokes the stolen phone's key with a revocation list
        Outcome rv =
                door.assembly
                        .gate()
                        .installRevocations(
                                list(TestDoor.OWNER, 10, "[\"" + PHONE.publicKey().pid() + "\"]"),
                                "127.0.0.1");
        assertTrue(rv.granted(), rv.detail());
        // a revoked enrolled key is set aside: no longer trusted at all
        assertEquals(
                RejectionReason.UNKNOWN_KEY,
                present(pass(PHONE, Role.OWNER, Use.WINDOW, Duration.ofHours(1)))
                        .refusal()
                        .orElseThrow());
        // the thief's key, enrolled by the revoked key, goes with it
        assertEquals(
                RejectionReason.UNKNOWN_KEY,
                present(pass(THIEF, Role.OWNER, Use.WINDOW, Duration.ofHours(1)))
                        .refusal()
                        .orElseThrow());
        assertEquals(
                RejectionReason.UNKNOWN_KEY,
                door.assembly
                        .gate()
                        .enrol(enrol(THIEF, THIEF2, "spare2", owner(Duration.ofDays(30))), "s")
                        .refusal()
                        .orElseThrow());
        door = door.restart();
        assertEquals(
                RejectionReason.UNKNOWN_KEY,
                present(pass(THIEF, Role.OWNER, Use.WINDOW, Duration.ofHours(1)))
                        .refusal()
                        .orElseThrow());
        assertTrue(
                door.assembly.gate().trusted().setAside().stream()
                        .anyMatch(w -> w.contains("is revoked")));
    }

    @Test
    void anEnrolledKey_neverGetsMoreThanItsSigner() throws Exception {
        IssuerPolicy restricted =
                new IssuerPolicy(
                        EnumSet.of(Role.OWNER),
                        Duration.ofHours(1),
                        Optional.of(WeeklyHours.parse("Sat 09:00-10:00")),
                        true);
        assertTrue(
                door.assembly
                        .gate()
                        .enrol(enrol(TestDoor.OWNER, PHONE, "sitter", restricted), "s")
                        .granted());
        // the phone itself is held to its hours (Tuesday now) and once_only
        assertEquals(
                RejectionReason.USE_NOT_ALLOWED,
                present(pass(PHONE, Role.OWNER, Use.WINDOW, Duration.ofMinutes(30)))
                        .refusal()
                        .orElseThrow());
        assertEquals(
                RejectionReason.OUTSIDE_HOURS,
                present(pass(PHONE, Role.OWNER, Use.ONCE, Duration.ofMinutes(30)))
                        .refusal()
                        .orElseThrow());
        // a key of its own with a longer window, no hours, window passes: refused, with the reason
        assertEquals(
                RejectionReason.WINDOW_TOO_LONG,
                door.assembly
                        .gate()
                        .enrol(enrol(PHONE, THIEF, "sitter2", owner(Duration.ofDays(366))), "s")
                        .refusal()
                        .orElseThrow());
        assertEquals(
                RejectionReason.USE_NOT_ALLOWED,
                door.assembly
                        .gate()
                        .enrol(enrol(PHONE, THIEF, "sitter2", owner(Duration.ofHours(1))), "s")
                        .refusal()
                        .orElseThrow());
        assertEquals(
                RejectionReason.OUTSIDE_HOURS,
                door.assembly
                        .gate()
                        .enrol(
                                enrol(
                                        PHONE,
                                        THIEF,
                                        "sitter2",
                                        new IssuerPolicy(
                                                EnumSet.of(Role.GUEST),
                                                Duration.ofHours(1),
                                                Optional.of(WeeklyHours.parse("Sat 09:00-11:00")),
                                                true)),
                                "s")
                        .refusal()
                        .orElseThrow());
        // the config's owner key (30 days) cannot enrol a longer one either
        assertEquals(
                RejectionReason.WINDOW_TOO_LONG,
                door.assembly
                        .gate()
                        .enrol(
                                enrol(TestDoor.OWNER, THIEF, "long", owner(Duration.ofDays(31))),
                                "s")
                        .refusal()
                        .orElseThrow());
        // within: fine
        Outcome e =
                door.assembly
                        .gate()
                        .enrol(
                                enrol(
                                        PHONE,
                                        THIEF,
                                        "sitter2",
                                        new IssuerPolicy(
                                                EnumSet.of(Role.GUEST),
                                                Duration.ofMinutes(30),
                                                Optional.of(WeeklyHours.parse("Sat 09:15-09:45")),
                                                true)),
                                "s");
        assertTrue(e.granted(), e.detail());
    }

    @Test
    void aPhonesList_hasAPlaceOfItsOwn_andNeverUnrevokesTheOwners() throws Exception {
        IssuerPolicy restricted =
                new IssuerPolicy(
                        EnumSet.of(Role.OWNER),
                        Duration.ofHours(1),
                        Optional.of(WeeklyHours.parse("Sat 09:00-10:00")),
                        true);
        assertTrue(
                door.assembly
                        .gate()
                        .enrol(enrol(TestDoor.OWNER, PHONE, "sitter", restricted), "s")
                        .granted());
        assertTrue(
                door.assembly
                        .gate()
                        .installRevocations(
                                list(
                                        TestDoor.OWNER,
                                        5,
                                        "[\"" + TestDoor.COURIER.publicKey().pid() + "\"]"),
                                "c")
                        .granted());
        assertEquals(
                RejectionReason.REVOKED,
                present(pass(TestDoor.COURIER, Role.DELIVERY, Use.ONCE, Duration.ofHours(1)))
                        .refusal()
                        .orElseThrow());
        // the phone's empty list, seq at the maximum, goes to its own place
        Outcome w = door.assembly.gate().installRevocations(list(PHONE, (1L << 53) - 1, "[]"), "c");
        assertTrue(w.granted(), w.detail());
        assertEquals(
                RejectionReason.REVOKED,
                present(pass(TestDoor.COURIER, Role.DELIVERY, Use.ONCE, Duration.ofHours(1)))
                        .refusal()
                        .orElseThrow());
        // the owners' list goes on
        Outcome again =
                door.assembly
                        .gate()
                        .installRevocations(
                                list(
                                        TestDoor.OWNER,
                                        6,
                                        "[\"" + TestDoor.COURIER.publicKey().pid() + "\"]"),
                                "c");
        assertTrue(again.granted(), again.detail());
        // and a phone's list may revoke any key: it is an owner's
        assertTrue(
                door.assembly
                        .gate()
                        .installRevocations(list(PHONE, 1, "[]"), "c")
                        .refusal()
                        .isPresent(),
                "its own seq only grows");
    }

    @Test
    void aClockSetBack_revivesNoEnrolment() throws Exception {
        String anna = enrol(TestDoor.OWNER, PHONE, "anna-phone", owner(Duration.ofDays(30)));
        assertTrue(door.assembly.gate().enrol(anna, "s").granted());
        door.advance(Duration.ofHours(1));
        assertTrue(
                door.assembly
                        .gate()
                        .removeEnrolment(
                                PHONE.publicKey().pid(),
                                TestDoor.token(TestDoor.OWNER, Role.OWNER, Use.ONCE, door.now()),
                                "127.0.0.1")
                        .granted());
        door.advance(Duration.ofDays(2)); // compaction drops the enrolment's once record
        // a spoofed time source steps the clock back to the enrolment's ten minutes
        door.stepClock(Duration.between(door.now(), NOW.plusSeconds(60)));
        Outcome o = door.assembly.gate().enrol(anna, "scanner");
        assertTrue(o.refusal().isPresent(), o.detail());
        assertTrue(
                o.refusal().get() == RejectionReason.CLOCK_UNTRUSTED
                        || o.refusal().get() == RejectionReason.EXPIRED,
                o.toString());
        door.stepClock(Duration.between(door.now(), door.trueNow()));
        door.advance(Duration.ofMinutes(1));
        assertTrue(door.assembly.gate().trusted().enrolment(PHONE.publicKey().pid()).isEmpty());
        assertEquals(
                RejectionReason.UNKNOWN_KEY,
                present(pass(PHONE, Role.OWNER, Use.WINDOW, Duration.ofHours(1)))
                        .refusal()
                        .orElseThrow());
    }

    @Test
    void enrollingARemovedPhoneAgain_bringsBackNothingItEnrolled() throws Exception {
        assertTrue(
                door.assembly
                        .gate()
                        .enrol(
                                enrol(
                                        TestDoor.OWNER,
                                        PHONE,
                                        "anna-phone",
                                        owner(Duration.ofDays(30))),
                                "s")
                        .granted());
        assertTrue(
                door.assembly
                        .gate()
                        .enrol(enrol(PHONE, THIEF, "spare", owner(Duration.ofDays(30))), "s")
                        .granted());
        assertTrue(
                door.assembly
                        .gate()
                        .removeEnrolment(
                                PHONE.publicKey().pid(),
                                TestDoor.token(TestDoor.OWNER, Role.OWNER, Use.ONCE, door.now()),
                                "127.0.0.1")
                        .granted());
        assertEquals(
                RejectionReason.UNKNOWN_KEY,
                present(pass(THIEF, Role.OWNER, Use.WINDOW, Duration.ofHours(1)))
                        .refusal()
                        .orElseThrow());
        door.advance(Duration.ofDays(2));
        // the phone is found; the owner enrols it again
        assertTrue(
                door.assembly
                        .gate()
                        .enrol(
                                enrol(
                                        TestDoor.OWNER,
                                        PHONE,
                                        "anna-phone",
                                        owner(Duration.ofDays(30))),
                                "s")
                        .granted());
        assertEquals(
                RejectionReason.UNKNOWN_KEY,
                present(pass(THIEF, Role.OWNER, Use.WINDOW, Duration.ofHours(1)))
                        .refusal()
                        .orElseThrow());
    }

    @Test
    void theAppsRevocationList_leavesTheOwnersRevocationsInForce() throws Exception {
        SigningKey anna = SigningKey.generate(new SecureRandom());
        assertTrue(
                door.assembly
                        .gate()
                        .enrol(
                                enrol(
                                        TestDoor.OWNER,
                                        PHONE,
                                        "lost-phone",
                                        owner(Duration.ofDays(30))),
                                "s")
                        .granted());
        assertTrue(
                door.assembly
                        .gate()
                        .enrol(
                                enrol(
                                        TestDoor.OWNER,
                                        anna,
                                        "anna-phone",
                                        owner(Duration.ofDays(30))),
                                "s")
                        .granted());
        // the owner revokes the lost phone's key with the CLI (seq + 1 of the installed list)
        assertTrue(
                door.assembly
                        .gate()
                        .installRevocations(
                                list(TestDoor.OWNER, 1, "[\"" + PHONE.publicKey().pid() + "\"]"),
                                "c")
                        .granted());
        // a revoked enrolled key is set aside: no longer trusted at all
        assertEquals(
                RejectionReason.UNKNOWN_KEY,
                present(pass(PHONE, Role.OWNER, Use.WINDOW, Duration.ofHours(1)))
                        .refusal()
                        .orElseThrow());
        // later Anna revokes a guest pass in latchkey pass: revocation.js signs
        // {typ, aud, seq: Date.now(), iat, jti: [her revoked passes], kid: []}
        String guest = "pass-guest-0123456789ab";
        String appList =
                AccessTokens.sign(
                        anna,
                        ("{\"typ\":\"latchkey-revocation\",\"aud\":\""
                                        + TestDoor.DOOR_ID
                                        + "\",\"seq\":"
                                        + door.now().toEpochMilli()
                                        + ",\"iat\":\""
                                        + door.now()
                                        + "\",\"jti\":[\""
                                        + anna.publicKey().pid()
                                        + "/"
                                        + guest
                                        + "\"],\"kid\":[]}")
                                .getBytes(StandardCharsets.UTF_8));
        Outcome o = door.assembly.gate().installRevocations(appList, "web 192.168.1.20");
        assertTrue(o.granted(), o.detail());
        // the lost phone stays out
        assertEquals(
                RejectionReason.UNKNOWN_KEY,
                present(pass(PHONE, Role.OWNER, Use.WINDOW, Duration.ofHours(1)))
                        .refusal()
                        .orElseThrow());
    }

    // The second outside review.

    @Test
    void aPhonesList_revokesOnlyItsOwnPasses_neverTheOwnersTheCompaniesOrOtherPhones()
            throws Exception {
        assertTrue(
                door.assembly
                        .gate()
                        .enrol(enrol(TestDoor.OWNER, SITTER, "sitter", SITTER_POLICY), "s")
                        .granted());
        assertTrue(
                door.assembly
                        .gate()
                        .enrol(enrol(TestDoor.OWNER, ANNA, "anna", owner(Duration.ofDays(30))), "s")
                        .granted());
        for (SigningKey other : List.of(TestDoor.OWNER, ANNA, TestDoor.COURIER)) {
            Outcome rv =
                    door.assembly
                            .gate()
                            .installRevocations(
                                    list(SITTER, 1, "[\"" + kid(other) + "\"]"),
                                    "web 192.168.1.66");
            assertEquals(RejectionReason.NOT_SIGNERS_OWN, rv.refusal().orElseThrow(), rv.detail());
        }
        assertTrue(
                present(pass(TestDoor.OWNER, Role.OWNER, Use.WINDOW, Duration.ofHours(1)))
                        .granted());
        assertTrue(present(pass(ANNA, Role.OWNER, Use.WINDOW, Duration.ofHours(1))).granted());
        // its own pass, and itself: fine
        String own = pass(SITTER, Role.OWNER, Use.ONCE, Duration.ofMinutes(30));
        String jti =
                org.latchkey.token.Json.read(
                                new String(
                                        java.util.Arrays.copyOf(
                                                java.util.Base64.getUrlDecoder()
                                                        .decode(own.split("\\.")[2]),
                                                java.util.Base64.getUrlDecoder()
                                                                .decode(own.split("\\.")[2])
                                                                .length
                                                        - 64),
                                        StandardCharsets.UTF_8))
                        .path("jti")
                        .asText();
        Outcome mine =
                door.assembly
                        .gate()
                        .installRevocations(
                                AccessTokens.sign(
                                        SITTER,
                                        ("{\"typ\":\"latchkey-revocation\",\"aud\":\""
                                                        + TestDoor.DOOR_ID
                                                        + "\",\"seq\":2,\"iat\":\""
                                                        + door.now()
                                                        + "\",\"jti\":[\""
                                                        + kid(SITTER)
                                                        + "/"
                                                        + jti
                                                        + "\"],\"kid\":[\""
                                                        + kid(SITTER)
                                                        + "\"]}")
                                                .getBytes(StandardCharsets.UTF_8)),
                                "web 192.168.1.66");
        assertTrue(mine.granted(), mine.detail());
    }

    @Test
    void theOwnersList_whoseSignerIsNowEnrolled_admitsOwnersOnlyAfterARestart() throws Exception {
        assertTrue(
                door.assembly
                        .gate()
                        .installRevocations(
                                list(TestDoor.OWNER, 3, "[\"" + kid(TestDoor.COURIER) + "\"]"), "c")
                        .granted());
        String courier = pass(TestDoor.COURIER, Role.DELIVERY, Use.WINDOW, Duration.ofHours(3));
        assertEquals(RejectionReason.REVOKED, present(courier).refusal().orElseThrow());
        // the owner key is rotated; the old one is kept as an enrolled key
        door.stop();
        TestDoor.config()
                .set("state_dir = \"state\"")
                .set("timezone = \"Etc/UTC\"")
                .keys(NEW_OWNER.publicKey().paserk(), TestDoor.COURIER.publicKey().paserk())
                .write(dir);
        door = new VirtualDoor(dir, Storage.REAL, door.trueNow(), true);
        assertTrue(
                door.assembly
                        .gate()
                        .enrol(
                                enrol(
                                        NEW_OWNER,
                                        TestDoor.OWNER,
                                        "old-laptop",
                                        owner(Duration.ofDays(30))),
                                "s")
                        .granted());
        door = door.restart();
        Outcome after = present(courier);
        assertTrue(
                after.refusal().isPresent(),
                "what the owners' list revoked is not admitted: " + after);
        assertTrue(
                present(pass(NEW_OWNER, Role.OWNER, Use.WINDOW, Duration.ofHours(1))).granted(),
                "owners still are");
        assertFalse(door.recorded(AuditRecord.StateDamaged.class).isEmpty(), "and it is reported");
    }

    /** Real files; a deletion in issuers.d/ waits while {@code hold} is set (a slow SD card). */
    static final class SlowDeletes implements Storage {
        volatile java.util.concurrent.CountDownLatch hold;
        final java.util.concurrent.CountDownLatch entered =
                new java.util.concurrent.CountDownLatch(1);

        public Appender append(Path f) throws java.io.IOException {
            return REAL.append(f);
        }

        public void replace(Path f, byte[] c) throws java.io.IOException {
            REAL.replace(f, c);
        }

        public void move(Path a, Path b) throws java.io.IOException {
            REAL.move(a, b);
        }

        public void delete(Path f) throws java.io.IOException {
            var h = hold;
            if (h != null && f.getParent().getFileName().toString().equals("issuers.d")) {
                entered.countDown();
                try {
                    h.await();
                } catch (InterruptedException e) {
                    throw new java.io.IOException(e);
                }
            }
            REAL.delete(f);
        }
    }

    @Test
    void anEnrolment_whoseSignerIsRemovedWhileItIsChecked_isNotKept() throws Exception {
        door.stop();
        SlowDeletes slow = new SlowDeletes();
        door = new VirtualDoor(dir, slow, door.trueNow(), true);
        assertTrue(
                door.assembly
                        .gate()
                        .enrol(enrol(TestDoor.OWNER, ANNA, "anna", owner(Duration.ofDays(30))), "s")
                        .granted());
        String thiefEnrol = enrol(ANNA, THIEF, "spare", owner(Duration.ofDays(30)));
        String removeToken = TestDoor.token(TestDoor.OWNER, Role.OWNER, Use.ONCE, door.now());
        slow.hold = new java.util.concurrent.CountDownLatch(1);
        Outcome[] out = new Outcome[2];
        Thread remover =
                new Thread(
                        () ->
                                out[1] =
                                        door.assembly
                                                .gate()
                                                .removeEnrolment(
                                                        kid(ANNA), removeToken, "127.0.0.1"));
        remover.start();
        slow.entered.await(); // the removal is inside its lock, deleting Anna's file
        Thread enroller =
                new Thread(() -> out[0] = door.assembly.gate().enrol(thiefEnrol, "scanner"));
        enroller.start();
        // it verifies (Anna still trusted), then waits for the lock the removal holds
        while (enroller.getState() != Thread.State.BLOCKED && enroller.isAlive()) {
            Thread.onSpinWait();
        }
        slow.hold.countDown();
        remover.join();
        enroller.join();
        slow.hold = null;
        door.controller().processPending();
        assertTrue(out[1].granted(), out[1].toString());
        assertFalse(out[0].granted(), "the scanner is told the truth: " + out[0]);
        // Anna's phone is found and enrolled again: nothing comes back with it
        door.advance(Duration.ofDays(2));
        assertTrue(
                door.assembly
                        .gate()
                        .enrol(enrol(TestDoor.OWNER, ANNA, "anna", owner(Duration.ofDays(30))), "s")
                        .granted());
        assertEquals(
                RejectionReason.UNKNOWN_KEY,
                present(pass(THIEF, Role.OWNER, Use.WINDOW, Duration.ofHours(1)))
                        .refusal()
                        .orElseThrow());
    }

    @Test
    void aPhone_cannotPullAnotherUnderItself() throws Exception {
        assertTrue(
                door.assembly
                        .gate()
                        .enrol(enrol(TestDoor.OWNER, SITTER, "sitter", SITTER_POLICY), "s")
                        .granted());
        assertTrue(
                door.assembly
                        .gate()
                        .enrol(enrol(TestDoor.OWNER, ANNA, "anna", owner(Duration.ofDays(30))), "s")
                        .granted());
        Outcome o =
                door.assembly.gate().enrol(enrol(SITTER, ANNA, "anna", SITTER_POLICY), "scanner");
        assertEquals(RejectionReason.ALREADY_TRUSTED, o.refusal().orElseThrow(), o.detail());
        assertTrue(present(pass(ANNA, Role.OWNER, Use.WINDOW, Duration.ofHours(1))).granted());
        // the key that enrolled it may, with a new policy
        assertTrue(
                door.assembly
                        .gate()
                        .enrol(enrol(TestDoor.OWNER, ANNA, "anna", owner(Duration.ofDays(7))), "s")
                        .granted());
    }
}
