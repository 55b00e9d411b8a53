package org.latchkey.token;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;

import org.junit.jupiter.api.Test;
import org.latchkey.testing.TestDoor;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Optional;

/**
 * Door cards: what a company trusts before it mints for a door. A card must be the door key's own
 * word, and the owner's endorsement must be for that very key — a card a device made up, or one
 * that borrows the real door's endorsement, must not pass for the door.
 */
class DoorCardTest {
    static final Instant NOW = Instant.parse("2026-12-07T10:00:00Z");
    static final ZoneId ZONE = ZoneId.of("Europe/Berlin");

    static String endorsement(SigningKey owner, SigningKey door, String lockId) {
        return DoorCard.endorse(owner, door.publicKey(), lockId, Optional.of("fleet-7"), NOW);
    }

    static String card(SigningKey door, Optional<String> endorsement) {
        return DoorCard.sign(door, "front-door", ZONE, Optional.of("fleet-7"), endorsement, NOW);
    }

    static TokenRejectedException refused(String card) {
        return assertThrows(TokenRejectedException.class, () -> DoorCard.verify(card));
    }

    @Test
    void theDoorsOwnCard_verifies_withItsOwnersEndorsement() throws Exception {
        String text =
                card(
                        TestDoor.DOOR,
                        Optional.of(endorsement(TestDoor.OWNER, TestDoor.DOOR, "front-door")));
        DoorCard.Verified c = DoorCard.verify(text);
        assertEquals(TestDoor.DOOR.publicKey().pid(), c.doorId());
        assertEquals("front-door", c.lockId());
        assertEquals(ZONE, c.zone());
        assertEquals(Optional.of("fleet-7"), c.fleetId());
        assertEquals(TestDoor.OWNER.publicKey(), c.endorsement().orElseThrow().ownerKey());
        assertEquals(
                DoorCard.fingerprint(TestDoor.DOOR.publicKey()),
                DoorCard.json(c).path("fingerprint").asText());
    }

    @Test
    void aCardWithoutEndorsement_verifies_butSaysNobodyStandsBehindIt() throws Exception {
        assertTrue(DoorCard.verify(card(TestDoor.DOOR, Optional.empty())).endorsement().isEmpty());
    }

    @Test
    void aMadeUpDevice_borrowingTheRealOwnersEndorsement_isRefused() {
        // The attacker's own key, carrying the endorsement the owner gave the real door key.
        SigningKey fake = SigningKey.fromSeed(new byte[32]);
        String borrowed = endorsement(TestDoor.OWNER, TestDoor.DOOR, "front-door");
        assertEquals(
                RejectionReason.BAD_SIGNATURE, refused(card(fake, Optional.of(borrowed))).reason());
    }

    @Test
    void anEndorsementForAnotherLockId_isRefused() {
        String other = endorsement(TestDoor.OWNER, TestDoor.DOOR, "back-door");
        assertEquals(
                RejectionReason.BAD_SIGNATURE,
                refused(card(TestDoor.DOOR, Optional.of(other))).reason());
    }

    @Test
    void anEndorsementForAnotherFleet_orNone_isRefused() {
        // The owner vouched for fleet-7; the card claims another fleet.
        String noFleet = endorsement(TestDoor.OWNER, TestDoor.DOOR, "front-door");
        String card =
                DoorCard.sign(
                        TestDoor.DOOR,
                        "front-door",
                        ZONE,
                        Optional.of("fleet-of-someone-else"),
                        Optional.of(noFleet),
                        NOW);
        assertEquals(RejectionReason.BAD_SIGNATURE, refused(card).reason());
    }

    @Test
    void aMadeUpDevice_withItsOwnOwnerKey_showsThatKey_notTheOwners() throws Exception {
        // Verifies as a card — whose owner key it is, the company checks by fingerprint.
        SigningKey fake = SigningKey.fromSeed(new byte[32]);
        SigningKey fakeOwner = TestDoor.COURIER;
        DoorCard.Verified c =
                DoorCard.verify(
                        card(fake, Optional.of(endorsement(fakeOwner, fake, "front-door"))));
        assertEquals(fakeOwner.publicKey(), c.endorsement().orElseThrow().ownerKey());
        assertTrue(!c.endorsement().get().ownerKey().equals(TestDoor.OWNER.publicKey()));
    }

    @Test
    void everyOneByteEdit_ofACard_isRefused() {
        String text =
                card(
                        TestDoor.DOOR,
                        Optional.of(endorsement(TestDoor.OWNER, TestDoor.DOOR, "front-door")));
        int body = "v4.public.".length();
        int footer = text.lastIndexOf('.');
        for (int i = body; i < footer; i += 7) {
            char c = text.charAt(i);
            String edited = text.substring(0, i) + (c == 'A' ? 'B' : 'A') + text.substring(i + 1);
            TokenRejectedException e = refused(edited);
            assertTrue(
                    e.reason() == RejectionReason.BAD_SIGNATURE
                            || e.reason() == RejectionReason.MALFORMED,
                    i + ": " + e.reason());
        }
    }

    @Test
    void aDoorIdThatIsNotTheKeys_orAFooterNamingAnotherKey_isRefused() {
        ObjectNode o = Json.object();
        o.put("typ", DoorCard.TYPE);
        o.put("door_id", TestDoor.OTHER_DOOR.publicKey().pid());
        o.put("door_key", TestDoor.DOOR.publicKey().paserk());
        o.put("lock_id", "front-door");
        o.put("tz", "UTC");
        o.put("iat", "2026-12-07T10:00:00Z");
        String wrongId =
                AccessTokens.sign(TestDoor.DOOR, Json.write(o).getBytes(StandardCharsets.UTF_8));
        assertEquals(RejectionReason.MALFORMED, refused(wrongId).reason());

        o.put("door_id", TestDoor.DOOR.publicKey().pid());
        String signedByAnother =
                AccessTokens.sign(
                        TestDoor.OTHER_DOOR, Json.write(o).getBytes(StandardCharsets.UTF_8));
        assertEquals(RejectionReason.BAD_SIGNATURE, refused(signedByAnother).reason());
    }

    @Test
    void anAccessToken_isNotACard() {
        String token = TestDoor.token(TestDoor.OWNER, Role.OWNER, Use.WINDOW, NOW);
        assertEquals(RejectionReason.MALFORMED, refused(token).reason());
    }
}
