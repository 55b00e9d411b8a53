package org.latchkey.access;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.latchkey.door.AuditRecord;
import org.latchkey.door.Outcome;
import org.latchkey.store.EnrolmentStore;
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

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A phone's key enrolled by an owner: trusted from then on, across restarts, verified again at
 * every load; an enrolment is fresh, used once, and never opens the door; only owner keys enrol.
 */
class EnrolmentTest {
    private static final Instant NOW = Instant.parse("2026-12-08T09:00:00Z");
    private static final SigningKey PHONE = SigningKey.generate(new SecureRandom());
    private static final SigningKey SECOND_PHONE = SigningKey.generate(new SecureRandom());
    private static final AtomicInteger N = new AtomicInteger();

    @TempDir Path dir;

    VirtualDoor door;

    @BeforeEach
    void start() throws Exception {
        TestDoor.config().set("state_dir = \"state\"").write(dir);
        door = new VirtualDoor(dir, Storage.REAL, NOW, true);
    }

    private static String enrolment(
            SigningKey signer,
            SigningKey phone,
            String name,
            Set roles,
            String aud,
            Instant iat,
            Duration validFor) {
        return AccessTokens.sign(
                signer,
                Enrolment.claims(
                        new TrustedIssuer(
                                name,
                                phone.publicKey(),
                                new IssuerPolicy(
                                        roles.roles, Duration.ofDays(30), Optional.empty(), false)),
                        aud,
                        "enrol-" + N.incrementAndGet() + "-0123456789ab",
                        iat,
                        validFor));
    }

    private enum Set {
        OWNER(EnumSet.of(Role.OWNER)),
        GUESTS(EnumSet.of(Role.GUEST, Role.DELIVERY));

        final java.util.Set<Role> roles;

        Set(java.util.Set<Role> roles) {
            this.roles = roles;
        }
    }

    private String ownerEnrols(SigningKey phone, String name, Set roles) {
        return enrolment(
                TestDoor.OWNER,
                phone,
                name,
                roles,
                TestDoor.DOOR_ID,
                now(),
                Duration.ofMinutes(10));
    }

    private Instant now() {
        return door.now();
    }

    private String pass(SigningKey key, Role role) {
        return AccessTokens.issue(
                key,
                new AccessClaims(
                        "phone",
                        TestDoor.DOOR_ID,
                        "pass-" + N.incrementAndGet() + "-0123456789ab",
                        now(),
                        now().minusSeconds(5),
                        now().plus(Duration.ofDays(7)),
                        Use.WINDOW,
                        role,
                        "cleaner"));
    }

    private RejectionReason enrolRefused(String text) {
        Outcome o = door.assembly.gate().enrol(text, "scanner");
        assertFalse(o.granted(), o.detail());
        return o.refusal().orElseThrow();
    }

    @Test
    void anOwnersEnrolment_makesThePhoneATrustedIssuer_untilRemoved_andOpensNothing()
            throws Exception {
        assertEquals(
                RejectionReason.UNKNOWN_KEY,
                door.present(pass(PHONE, Role.GUEST), "127.0.0.1").refusal().orElseThrow());
        Outcome enrolled =
                door.assembly
                        .gate()
                        .presentOrEnrol(ownerEnrols(PHONE, "anna-phone", Set.OWNER), "scanner")
                        .get();
        assertTrue(enrolled.granted(), enrolled.detail());
        assertTrue(enrolled.detail().contains("'anna-phone' enrolled"), enrolled.detail());
        org.mockito.Mockito.verify(door.bolt, org.mockito.Mockito.never()).unlock();
        assertEquals(1, door.recorded(AuditRecord.IssuerEnrolled.class).size());
        assertTrue(door.present(pass(PHONE, Role.GUEST), "127.0.0.1").granted());
        door.unlockAndRelock();

        // Kept in the state directory, and verified again at the next start (expired by then).
        door.advance(Duration.ofHours(1));
        door = door.restart();
        assertTrue(door.present(pass(PHONE, Role.SERVICE), "127.0.0.1").granted());
        door.unlockAndRelock();
        assertEquals(
                TestDoor.OWNER.publicKey().pid(),
                door.assembly
                        .gate()
                        .trusted()
                        .enrolment(PHONE.publicKey().pid())
                        .orElseThrow()
                        .signerKid());

        // Removed with an owner token: refused from then on.
        Outcome removed =
                door.assembly
                        .gate()
                        .removeEnrolment(
                                PHONE.publicKey().pid(),
                                TestDoor.token(TestDoor.OWNER, Role.OWNER, Use.ONCE, now()),
                                "127.0.0.1");
        assertTrue(removed.granted(), removed.detail());
        assertEquals(
                RejectionReason.UNKNOWN_KEY,
                door.present(pass(PHONE, Role.GUEST), "127.0.0.1").refusal().orElseThrow());
        assertEquals(1, door.recorded(AuditRecord.IssuerRemoved.class).size());
    }

    @Test
    void removal_needsAnOwnerToken() throws Exception {
        assertTrue(
                door.assembly
                        .gate()
                        .enrol(ownerEnrols(PHONE, "anna-phone", Set.OWNER), "x")
                        .granted());
        Outcome o =
                door.assembly
                        .gate()
                        .removeEnrolment(
                                PHONE.publicKey().pid(),
                                TestDoor.token(TestDoor.COURIER, Role.DELIVERY, Use.ONCE, now()),
                                "127.0.0.1");
        assertEquals(RejectionReason.ROLE_NOT_ALLOWED, o.refusal().orElseThrow());
        assertTrue(door.present(pass(PHONE, Role.GUEST), "127.0.0.1").granted());
    }

    @Test
    void anEnrolment_isUsedOnce_andACourierCannotReplayOneAfterItsRemoval() throws Exception {
        String text = ownerEnrols(PHONE, "anna-phone", Set.OWNER);
        assertTrue(door.assembly.gate().enrol(text, "scanner").granted());
        assertEquals(RejectionReason.ALREADY_USED, enrolRefused(text));
    }

    @Test
    void onlyAFreshOwnerEnrolmentForThisDoor_isTaken() throws Exception {
        // a courier's key may not enrol anyone
        assertEquals(
                RejectionReason.ROLE_NOT_ALLOWED,
                enrolRefused(
                        enrolment(
                                TestDoor.COURIER,
                                PHONE,
                                "x",
                                Set.OWNER,
                                TestDoor.DOOR_ID,
                                now(),
                                Duration.ofMinutes(10))));
        // a key the door does not trust
        assertEquals(
                RejectionReason.UNKNOWN_KEY,
                enrolRefused(
                        enrolment(
                                SECOND_PHONE,
                                PHONE,
                                "x",
                                Set.OWNER,
                                TestDoor.DOOR_ID,
                                now(),
                                Duration.ofMinutes(10))));
        // another door
        assertEquals(
                RejectionReason.WRONG_LOCK,
                enrolRefused(
                        enrolment(
                                TestDoor.OWNER,
                                PHONE,
                                "x",
                                Set.OWNER,
                                TestDoor.OTHER_DOOR_ID,
                                now(),
                                Duration.ofMinutes(10))));
        // stale: seen on a screen an hour ago
        assertEquals(
                RejectionReason.EXPIRED,
                enrolRefused(
                        enrolment(
                                TestDoor.OWNER,
                                PHONE,
                                "x",
                                Set.OWNER,
                                TestDoor.DOOR_ID,
                                now().minus(Duration.ofHours(1)),
                                Duration.ofMinutes(10))));
        // valid for too long
        assertEquals(
                RejectionReason.MALFORMED,
                enrolRefused(
                        enrolment(
                                TestDoor.OWNER,
                                PHONE,
                                "x",
                                Set.OWNER,
                                TestDoor.DOOR_ID,
                                now(),
                                Duration.ofMinutes(16))));
        // the door's own key
        assertEquals(
                RejectionReason.ROLE_NOT_ALLOWED,
                enrolRefused(
                        enrolment(
                                TestDoor.OWNER,
                                TestDoor.DOOR,
                                "x",
                                Set.OWNER,
                                TestDoor.DOOR_ID,
                                now(),
                                Duration.ofMinutes(10))));
        // a key or a name the config trusts
        assertEquals(
                RejectionReason.ALREADY_TRUSTED,
                enrolRefused(ownerEnrols(TestDoor.COURIER, "courier-again", Set.OWNER)));
        assertEquals(
                RejectionReason.ALREADY_TRUSTED,
                enrolRefused(ownerEnrols(PHONE, "parcel-co", Set.OWNER)));
        // an access token is not an enrolment
        assertEquals(
                RejectionReason.MALFORMED,
                enrolRefused(TestDoor.token(TestDoor.OWNER, Role.OWNER, Use.ONCE, now())));
        assertTrue(door.recorded(AuditRecord.IssuerEnrolled.class).isEmpty());
    }

    @Test
    void anEnrolment_presentedAsAnAccessToken_opensNothing() throws Exception {
        Outcome o = door.present(ownerEnrols(PHONE, "anna-phone", Set.OWNER), "127.0.0.1");
        assertEquals(RejectionReason.MALFORMED, o.refusal().orElseThrow());
        assertEquals(
                RejectionReason.UNKNOWN_KEY,
                door.present(pass(PHONE, Role.GUEST), "127.0.0.1").refusal().orElseThrow());
    }

    @Test
    void anEnrolledPhone_maySignOnlyItsRoles_andAnOwnerPhoneEnrolsTheNext_whoGoesWithIt()
            throws Exception {
        assertTrue(
                door.assembly
                        .gate()
                        .enrol(ownerEnrols(PHONE, "anna-phone", Set.OWNER), "s")
                        .granted());
        String second =
                enrolment(
                        PHONE,
                        SECOND_PHONE,
                        "ben-phone",
                        Set.GUESTS,
                        TestDoor.DOOR_ID,
                        now(),
                        Duration.ofMinutes(10));
        assertTrue(door.assembly.gate().enrol(second, "scanner").granted());
        assertTrue(door.present(pass(SECOND_PHONE, Role.GUEST), "127.0.0.1").granted());
        door.unlockAndRelock();
        assertEquals(
                RejectionReason.ROLE_NOT_ALLOWED,
                door.present(pass(SECOND_PHONE, Role.SERVICE), "127.0.0.1")
                        .refusal()
                        .orElseThrow());
        // a guests-only phone may not enrol
        assertEquals(
                RejectionReason.ROLE_NOT_ALLOWED,
                enrolRefused(
                        enrolment(
                                SECOND_PHONE,
                                SigningKey.generate(new SecureRandom()),
                                "c",
                                Set.GUESTS,
                                TestDoor.DOOR_ID,
                                now(),
                                Duration.ofMinutes(10))));
        // the first phone goes: the one only it enrolled goes with it
        assertTrue(
                door.assembly
                        .gate()
                        .removeEnrolment(
                                PHONE.publicKey().pid(),
                                TestDoor.token(TestDoor.OWNER, Role.OWNER, Use.ONCE, now()),
                                "127.0.0.1")
                        .granted());
        assertEquals(
                RejectionReason.UNKNOWN_KEY,
                door.present(pass(SECOND_PHONE, Role.GUEST), "127.0.0.1").refusal().orElseThrow());
        // and nothing of it is kept: enrolling the first phone again brings it back alone
        assertEquals(List.of(), door.assembly.gate().trusted().setAside());
    }

    @Test
    void aKeptEnrolmentAlteredOnDisk_isNotTrusted() throws Exception {
        assertTrue(
                door.assembly
                        .gate()
                        .enrol(ownerEnrols(PHONE, "anna-phone", Set.OWNER), "s")
                        .granted());
        door.stop();
        Path file =
                dir.resolve("state")
                        .resolve(EnrolmentStore.DIR)
                        .resolve(PHONE.publicKey().pid().substring(7) + ".paseto");
        String text = Files.readString(file);
        // one character of the signed payload changed
        int i = text.indexOf('.', 10) + 20;
        char c = text.charAt(i) == 'A' ? 'B' : 'A';
        Files.writeString(
                file, text.substring(0, i) + c + text.substring(i + 1), StandardCharsets.US_ASCII);
        door = new VirtualDoor(dir, Storage.REAL, NOW.plus(Duration.ofMinutes(1)), true);
        assertEquals(
                RejectionReason.UNKNOWN_KEY,
                door.present(pass(PHONE, Role.GUEST), "127.0.0.1").refusal().orElseThrow());
        List<String> aside = door.assembly.gate().trusted().setAside();
        assertEquals(1, aside.size(), aside.toString());
    }
}
