package org.latchkey.token;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.latchkey.token.Fixture.COURIER;
import static org.latchkey.token.Fixture.LOCK;
import static org.latchkey.token.Fixture.OWNER;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Set;

class RevocationListVerifierTest {
    private static final RevocationListVerifier VERIFIER =
            new RevocationListVerifier(LOCK, java.util.Optional.of("fleet-7"), Fixture.TRUST);
    private static final String COURIER_KID = COURIER.publicKey().pid();
    private static final String REVOKED_JTI = COURIER_KID + "/order-0000000000001";

    private static String list(SigningKey signer, String aud, long seq) {
        String json =
                "{\"typ\":\"latchkey-revocation\",\"aud\":\""
                        + aud
                        + "\",\"seq\":"
                        + seq
                        + ",\"iat\":\"2026-11-25T09:00:00Z\",\"jti\":[\""
                        + REVOKED_JTI
                        + "\"],\"kid\":[]}";
        return AccessTokens.sign(signer, json.getBytes(StandardCharsets.UTF_8));
    }

    private static RejectionReason reason(String text, RevocationLists installed) {
        return assertThrows(TokenRejectedException.class, () -> VERIFIER.verify(text, installed))
                .reason();
    }

    @Test
    void verify_ownerSignedNewerList_isInstalled() throws Exception {
        RevocationList list = VERIFIER.verify(list(OWNER, LOCK, 3), RevocationLists.NONE);
        assertEquals(3, list.seq());
        assertEquals(Set.of(REVOKED_JTI), list.tokenIds());
        assertEquals(true, list.revokesToken(COURIER_KID, "order-0000000000001"));
    }

    @Test
    void verify_seqNotGreater_isRefused() throws Exception {
        RevocationLists installed =
                RevocationLists.NONE.with(
                        VERIFIER.verify(list(OWNER, LOCK, 3), RevocationLists.NONE));
        assertEquals(RejectionReason.SEQ_NOT_NEWER, reason(list(OWNER, LOCK, 3), installed));
        assertEquals(RejectionReason.SEQ_NOT_NEWER, reason(list(OWNER, LOCK, 2), installed));
        assertEquals(4, VERIFIER.verify(list(OWNER, LOCK, 4), installed).seq());
        // The fleet's list counts its own seq.
        assertEquals(
                RevocationList.Scope.FLEET,
                VERIFIER.verify(list(OWNER, "fleet-7", 1), installed).scope());
    }

    @Test
    void verify_fleetList_isAcceptedForTheConfiguredFleetOnly() throws Exception {
        assertEquals(
                RevocationList.Scope.FLEET,
                VERIFIER.verify(list(OWNER, "fleet-7", 2), RevocationLists.NONE).scope());
        assertEquals(
                RejectionReason.WRONG_LOCK,
                reason(list(OWNER, "fleet-8", 2), RevocationLists.NONE));
        RevocationListVerifier noFleet =
                new RevocationListVerifier(LOCK, java.util.Optional.empty(), Fixture.TRUST);
        assertEquals(
                RejectionReason.WRONG_LOCK,
                assertThrows(
                                TokenRejectedException.class,
                                () ->
                                        noFleet.verify(
                                                list(OWNER, "fleet-7", 2), RevocationLists.NONE))
                        .reason());
    }

    @Test
    void verify_aCompanysList_ofItsOwnTokens_isItsOwn_withItsOwnSeq() throws Exception {
        // A company (any trusted key that is not an owner key) revokes the tokens it signed; its
        // seq may be Unix milliseconds, made without the door's state.
        long millis = 1_796_650_000_000L;
        RevocationList own = VERIFIER.verify(list(COURIER, LOCK, millis), RevocationLists.NONE);
        assertEquals(java.util.Optional.of(COURIER_KID), own.signer());
        assertEquals(true, own.revokesToken(COURIER_KID, "order-0000000000001"));
        // The owners' list is another slot: its seq 3 neither blocks nor is blocked by it.
        RevocationLists installed =
                RevocationLists.NONE
                        .with(own)
                        .with(VERIFIER.verify(list(OWNER, LOCK, 3), RevocationLists.NONE));
        assertEquals(4, VERIFIER.verify(list(OWNER, LOCK, 4), installed).seq());
        assertEquals(RejectionReason.SEQ_NOT_NEWER, reason(list(COURIER, LOCK, millis), installed));
        assertEquals(millis + 1, VERIFIER.verify(list(COURIER, LOCK, millis + 1), installed).seq());
        assertEquals(true, installed.revokesToken(COURIER_KID, "order-0000000000001"));
    }

    @Test
    void verify_aCompanysList_namingAnotherKeysToken_orAnotherKey_isRefusedWhole() {
        String ownerKid = OWNER.publicKey().pid();
        String other =
                "{\"typ\":\"latchkey-revocation\",\"aud\":\""
                        + LOCK
                        + "\",\"seq\":5,\"iat\":\"2026-11-25T09:00:00Z\",\"jti\":[\""
                        + REVOKED_JTI
                        + "\",\""
                        + ownerKid
                        + "/owner-token-000001\"]}";
        assertEquals(
                RejectionReason.NOT_SIGNERS_OWN,
                reason(
                        AccessTokens.sign(COURIER, other.getBytes(StandardCharsets.UTF_8)),
                        RevocationLists.NONE));
        String key =
                "{\"typ\":\"latchkey-revocation\",\"aud\":\""
                        + LOCK
                        + "\",\"seq\":5,\"iat\":\"2026-11-25T09:00:00Z\",\"kid\":[\""
                        + ownerKid
                        + "\"]}";
        assertEquals(
                RejectionReason.NOT_SIGNERS_OWN,
                reason(
                        AccessTokens.sign(COURIER, key.getBytes(StandardCharsets.UTF_8)),
                        RevocationLists.NONE));
        // Itself it may revoke.
        String self = key.replace(ownerKid, COURIER_KID);
        assertEquals(
                Set.of(COURIER_KID),
                assertDoesNotThrow(
                                () ->
                                        VERIFIER.verify(
                                                AccessTokens.sign(
                                                        COURIER,
                                                        self.getBytes(StandardCharsets.UTF_8)),
                                                RevocationLists.NONE))
                        .keyIds());
    }

    @Test
    void verify_signedByUntrustedKey_isUnknownKey() {
        assertEquals(
                RejectionReason.UNKNOWN_KEY,
                reason(list(Fixture.STRANGER, LOCK, 1), RevocationLists.NONE));
    }

    @Test
    void verify_forAnotherLock_isWrongLock() {
        assertEquals(
                RejectionReason.WRONG_LOCK,
                reason(list(OWNER, "back-door", 1), RevocationLists.NONE));
    }

    @Test
    void verify_corrupt_isRefused() {
        String good = list(OWNER, LOCK, 1);
        char[] chars = good.toCharArray();
        chars[20] = chars[20] == 'A' ? 'B' : 'A';
        assertEquals(
                RejectionReason.BAD_SIGNATURE, reason(new String(chars), RevocationLists.NONE));
        assertEquals(
                RejectionReason.MALFORMED,
                reason(good.substring(0, good.length() - 3), RevocationLists.NONE));
    }

    @Test
    void verify_accessTokenPresentedAsList_isMalformed() {
        assertEquals(
                RejectionReason.MALFORMED,
                reason(AccessTokens.issue(OWNER, Fixture.ownerClaims()), RevocationLists.NONE));
    }

    @Test
    void verify_badEntriesOrSeq_areMalformed() {
        for (String json :
                new String[] {
                    "{\"typ\":\"latchkey-revocation\",\"aud\":\"front-door\",\"seq\":1,\"iat\":\"2026-11-25T09:00:00Z\",\"jti\":[\"nope\"]}",
                    "{\"typ\":\"latchkey-revocation\",\"aud\":\"front-door\",\"seq\":0,\"iat\":\"2026-11-25T09:00:00Z\"}",
                    "{\"typ\":\"latchkey-revocation\",\"aud\":\"front-door\",\"seq\":1.5,\"iat\":\"2026-11-25T09:00:00Z\"}",
                    // A float is not a seq even when it is whole (1e2 once counted as 100), and seq
                    // stays below 2^53.
                    "{\"typ\":\"latchkey-revocation\",\"aud\":\"front-door\",\"seq\":1e2,\"iat\":\"2026-11-25T09:00:00Z\"}",
                    "{\"typ\":\"latchkey-revocation\",\"aud\":\"front-door\",\"seq\":100.0,\"iat\":\"2026-11-25T09:00:00Z\"}",
                    "{\"typ\":\"latchkey-revocation\",\"aud\":\"front-door\",\"seq\":9223372036854775807,\"iat\":\"2026-11-25T09:00:00Z\"}",
                    "{\"typ\":\"latchkey-revocation\",\"aud\":\"front-door\",\"seq\":9007199254740992,\"iat\":\"2026-11-25T09:00:00Z\"}",
                    "{\"typ\":\"latchkey-revocation\",\"aud\":\"front-door\",\"seq\":\"2\",\"iat\":\"2026-11-25T09:00:00Z\"}",
                    "{\"typ\":\"other\",\"aud\":\"front-door\",\"seq\":1,\"iat\":\"2026-11-25T09:00:00Z\"}",
                    "{\"typ\":\"latchkey-revocation\",\"aud\":\"front-door\",\"seq\":1,\"iat\":\"2026-11-25T09:00:00Z\",\"kid\":\"x\"}",
                }) {
            String text = AccessTokens.sign(OWNER, json.getBytes(StandardCharsets.UTF_8));
            assertEquals(RejectionReason.MALFORMED, reason(text, RevocationLists.NONE), json);
        }
    }

    @Test
    void verify_listSignedByRevokedOwnerKey_isRevoked() throws Exception {
        RevocationLists installed = Fixture.lockList(1, Set.of(), Set.of(OWNER.publicKey().pid()));
        assertEquals(RejectionReason.REVOKED, reason(list(OWNER, LOCK, 2), installed));
    }
}
