package org.latchkey.access;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
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
}
