package org.latchkey.token;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.latchkey.token.Fixture.COURIER;
import static org.latchkey.token.Fixture.LOCK;
import static org.latchkey.token.Fixture.NOW;
import static org.latchkey.token.Fixture.OWNER;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

class AccessTokenVerifierTest {
    private static final Duration SKEW = ClockRules.DEFAULT_SKEW;

    private static VerifiedAccess verify(String token, Instant at) throws TokenRejectedException {
        return Fixture.verifyAt(token, at);
    }

    private static RejectionReason reason(String token, Instant at) {
        return assertThrows(TokenRejectedException.class, () -> verify(token, at)).reason();
    }

    private static String courier(AccessClaims c) {
        return AccessTokens.issue(COURIER, c);
    }

    private static AccessClaims courierWith(Instant nbf, Instant exp) {
        AccessClaims c = Fixture.courierClaims();
        Instant iat = c.issuedAt().isBefore(nbf) ? c.issuedAt() : nbf;
        return new AccessClaims(
                c.issuer(),
                c.audience(),
                c.tokenId(),
                iat,
                nbf,
                exp,
                c.use(),
                c.role(),
                c.subject());
    }

    @Test
    void verify_validCourierToken_returnsGrant() throws Exception {
        VerifiedAccess v = verify(Fixture.courierToken(), NOW);
        assertEquals("parcel-co", v.issuer().name());
        assertEquals(Role.DELIVERY, v.claims().role());
        assertEquals(Use.ONCE, v.claims().use());
        assertEquals("courier 42", v.claims().subject());
        assertEquals(COURIER.publicKey().pid(), v.kid());
    }

    @Test
    void verify_trailingScannerLineEnd_isAccepted() throws Exception {
        assertEquals(Role.DELIVERY, verify(Fixture.courierToken() + "\r\n", NOW).claims().role());
    }

    @Test
    void verify_atExpiryPlusSkew_isExpired_oneSecondBeforeIsAccepted() throws Exception {
        AccessClaims c = Fixture.courierClaims();
        String token = courier(c);
        assertEquals(RejectionReason.EXPIRED, reason(token, c.expires().plus(SKEW)));
        assertEquals(RejectionReason.EXPIRED, reason(token, c.expires().plus(SKEW).plusSeconds(1)));
        verify(token, c.expires().plus(SKEW).minusSeconds(1));
    }

    @Test
    void verify_notBeforeMinusSkew_isAccepted_oneSecondEarlierIsNotYetValid() throws Exception {
        Instant nbf = NOW.plus(Duration.ofMinutes(30));
        String token = courier(courierWith(nbf, nbf.plus(Duration.ofHours(1))));
        verify(token, nbf.minus(SKEW));
        assertEquals(RejectionReason.NOT_YET_VALID, reason(token, nbf.minus(SKEW).minusSeconds(1)));
    }

    @Test
    void verify_windowLongerThanKeyMayGrant_isWindowTooLong() {
        String token = courier(courierWith(NOW, NOW.plus(Duration.ofHours(4)).plusSeconds(1)));
        TokenRejectedException e =
                assertThrows(TokenRejectedException.class, () -> verify(token, NOW));
        assertEquals(RejectionReason.WINDOW_TOO_LONG, e.reason());
        // durations as people write them, not PT4H0M1S
        assertTrue(e.detail().startsWith("window of 4h1s is longer than the 4h key"), e.detail());
    }

    @Test
    void verify_windowExactlyTheLongestAllowed_isAccepted() throws Exception {
        verify(courier(courierWith(NOW, NOW.plus(Duration.ofHours(4)))), NOW);
    }

    @Test
    void verify_roleTheKeyMayNotSign_isRoleNotAllowed() {
        AccessClaims c = Fixture.courierClaims();
        String token =
                courier(
                        new AccessClaims(
                                c.issuer(),
                                LOCK,
                                c.tokenId(),
                                c.issuedAt(),
                                c.notBefore(),
                                c.expires(),
                                Use.ONCE,
                                Role.OWNER,
                                c.subject()));
        assertEquals(RejectionReason.ROLE_NOT_ALLOWED, reason(token, NOW));
    }

    @Test
    void verify_windowTokenFromOnceOnlyKey_isUseNotAllowed() {
        AccessClaims c = Fixture.courierClaims();
        String token =
                courier(
                        new AccessClaims(
                                c.issuer(),
                                LOCK,
                                c.tokenId(),
                                c.issuedAt(),
                                c.notBefore(),
                                c.expires(),
                                Use.WINDOW,
                                c.role(),
                                c.subject()));
        assertEquals(RejectionReason.USE_NOT_ALLOWED, reason(token, NOW));
    }

    @Test
    void verify_ownerKey_maySignAnyRole() throws Exception {
        assertEquals(
                Role.GUEST,
                verify(AccessTokens.issue(OWNER, Fixture.ownerClaims()), NOW).claims().role());
    }

    @Test
    void verify_outsideWeeklyHours_isOutsideHours_insideIsAccepted() throws Exception {
        // Sunday 2026-11-29 10:00 Berlin: the courier key is Mon-Sat only.
        Instant sunday = Instant.parse("2026-11-29T09:00:00Z");
        String sundayToken =
                courier(courierWith(sunday.minusSeconds(60), sunday.plus(Duration.ofHours(1))));
        assertEquals(RejectionReason.OUTSIDE_HOURS, reason(sundayToken, sunday));
        // Wednesday 19:59 Berlin accepted, 20:00 refused.
        Instant evening = Instant.parse("2026-11-25T18:59:00Z");
        String eveningToken =
                courier(courierWith(evening.minusSeconds(60), evening.plus(Duration.ofHours(1))));
        verify(eveningToken, evening);
        assertEquals(RejectionReason.OUTSIDE_HOURS, reason(eveningToken, evening.plusSeconds(60)));
    }

    @Test
    void verify_tokenForAnotherLock_isWrongLock() {
        AccessClaims c = Fixture.courierClaims();
        String token =
                courier(
                        new AccessClaims(
                                c.issuer(),
                                "back-door",
                                c.tokenId(),
                                c.issuedAt(),
                                c.notBefore(),
                                c.expires(),
                                c.use(),
                                c.role(),
                                c.subject()));
        assertEquals(RejectionReason.WRONG_LOCK, reason(token, NOW));
    }

    @Test
    void verify_untrustedSigner_isUnknownKey() {
        assertEquals(
                RejectionReason.UNKNOWN_KEY,
                reason(AccessTokens.issue(Fixture.STRANGER, Fixture.courierClaims()), NOW));
    }

    @Test
    void verify_strangerSignatureUnderTrustedKid_isBadSignature() {
        // A stranger signs but names the courier's key id in the footer.
        String token =
                PasetoV4Public.sign(
                        Fixture.STRANGER,
                        Fixture.courierClaims().toJson(),
                        AccessTokens.footerFor(COURIER.publicKey()),
                        new byte[0]);
        assertEquals(RejectionReason.BAD_SIGNATURE, reason(token, NOW));
    }

    @Test
    void verify_revokedTokenId_and_revokedKey_areRevoked() {
        String token = Fixture.courierToken();
        String kid = COURIER.publicKey().pid();
        RevocationLists byJti =
                Fixture.lockList(
                        1, Set.of(kid + "/" + Fixture.courierClaims().tokenId()), Set.of());
        RevocationLists byKid = Fixture.lockList(2, Set.of(), Set.of(kid));
        RevocationLists byFleet =
                RevocationLists.NONE.with(
                        new RevocationList(
                                RevocationList.Scope.FLEET, 7, NOW, Set.of(), Set.of(kid), ""));
        for (RevocationLists list : List.of(byJti, byKid, byFleet)) {
            TokenRejectedException e =
                    assertThrows(
                            TokenRejectedException.class,
                            () ->
                                    Fixture.VERIFIER.verify(
                                            token, new ClockReading.Trusted(NOW), list));
            assertEquals(RejectionReason.REVOKED, e.reason());
        }
    }

    @Test
    void verify_clockUntrusted_refusesCourier_admitsOwner() throws Exception {
        ClockReading untrusted = new ClockReading.Untrusted(NOW, Instant.EPOCH, "test");
        TokenRejectedException e =
                assertThrows(
                        TokenRejectedException.class,
                        () ->
                                Fixture.VERIFIER.verify(
                                        Fixture.courierToken(), untrusted, RevocationLists.NONE));
        assertEquals(RejectionReason.CLOCK_UNTRUSTED, e.reason());
        assertTrue(e.signer().isPresent(), "a refusal after the signature names its signer");
        AccessClaims owner =
                new AccessClaims(
                        "home",
                        LOCK,
                        "owner-000000000000002",
                        NOW,
                        NOW,
                        NOW.plusSeconds(600),
                        Use.ONCE,
                        Role.OWNER,
                        "me");
        assertEquals(
                Role.OWNER,
                Fixture.VERIFIER
                        .verify(AccessTokens.issue(OWNER, owner), untrusted, RevocationLists.NONE)
                        .claims()
                        .role());
    }

    @Test
    void verify_iatAheadOfATrustedClock_isRefused_andMovesNothing() throws Exception {
        // An owner token issued (by a wrong or hostile clock) far in the future: refused, whoever
        // signed it.
        AccessClaims poison =
                new AccessClaims(
                        "home",
                        LOCK,
                        "owner-000000000000003",
                        Instant.parse("9999-12-31T00:00:00Z"),
                        NOW,
                        NOW.plusSeconds(600),
                        Use.WINDOW,
                        Role.OWNER,
                        "me");
        assertEquals(RejectionReason.NOT_YET_VALID, reason(AccessTokens.issue(OWNER, poison), NOW));
        // The skew still applies: iat up to the skew ahead is fine.
        AccessClaims close =
                new AccessClaims(
                        "home",
                        LOCK,
                        "owner-000000000000004",
                        NOW.plus(SKEW),
                        NOW,
                        NOW.plusSeconds(600),
                        Use.WINDOW,
                        Role.OWNER,
                        "me");
        assertEquals(Role.OWNER, verify(AccessTokens.issue(OWNER, close), NOW).claims().role());
        AccessClaims beyond =
                new AccessClaims(
                        "home",
                        LOCK,
                        "owner-000000000000005",
                        NOW.plus(SKEW).plusSeconds(1),
                        NOW,
                        NOW.plusSeconds(600),
                        Use.WINDOW,
                        Role.OWNER,
                        "me");
        assertEquals(RejectionReason.NOT_YET_VALID, reason(AccessTokens.issue(OWNER, beyond), NOW));
    }

    @Test
    void verify_iatAheadOfAnUntrustedClock_admitsTheOwner() throws Exception {
        Instant behind =
                NOW.minus(
                        Duration.ofHours(
                                1)); // the door's clock is an hour behind and knows it is not
        // trusted
        AccessClaims owner =
                new AccessClaims(
                        "home",
                        LOCK,
                        "owner-000000000000006",
                        NOW,
                        behind,
                        NOW.plusSeconds(600),
                        Use.ONCE,
                        Role.OWNER,
                        "me");
        assertEquals(
                Role.OWNER,
                Fixture.VERIFIER
                        .verify(
                                AccessTokens.issue(OWNER, owner),
                                new ClockReading.Untrusted(behind, Instant.EPOCH, "test"),
                                RevocationLists.NONE)
                        .claims()
                        .role());
    }

    @Test
    void verify_clockSetBackBehindTheFloor_neverRevivesAnExpiredToken() throws Exception {
        // An owner token (owners may enter on an untrusted clock) that expired an hour ago; the
        // clock is then set back two hours, behind the floor a trusted clock reached at NOW.
        AccessClaims expired =
                new AccessClaims(
                        "home",
                        LOCK,
                        "owner-000000000000009",
                        NOW.minus(Duration.ofHours(3)),
                        NOW.minus(Duration.ofHours(3)),
                        NOW.minus(Duration.ofHours(1)),
                        Use.ONCE,
                        Role.OWNER,
                        "me");
        String token = AccessTokens.issue(OWNER, expired);
        Instant setBack = NOW.minus(Duration.ofHours(2));
        TokenRejectedException e =
                assertThrows(
                        TokenRejectedException.class,
                        () ->
                                Fixture.VERIFIER.verify(
                                        token,
                                        new ClockReading.Untrusted(setBack, NOW, "test"),
                                        RevocationLists.NONE));
        assertEquals(RejectionReason.EXPIRED, e.reason());
        // The same clock without a floor that far would have admitted it: the floor decides.
        assertEquals(
                Role.OWNER,
                Fixture.VERIFIER
                        .verify(
                                token,
                                new ClockReading.Untrusted(setBack, Instant.EPOCH, "test"),
                                RevocationLists.NONE)
                        .claims()
                        .role());
    }

    @Test
    void verify_payloadClaimProblems_areMalformed() {
        List<String> payloads =
                List.of(
                        "[]",
                        "{\"aud\":\"front-door\"}",
                        "{\"aud\":\"front-door\",\"aud\":\"front-door\"}",
                        claims("\"use\":\"twice\""),
                        claims("\"role\":\"superuser\""),
                        claims("\"jti\":\"short\""),
                        claims("\"exp\":\"2026-11-25T08:00:00Z\""),
                        claims("\"nbf\":\"yesterday\""),
                        claims("\"sub\":\"line\\nbreak\""),
                        claims("\"sub\":\"csi \\u009b31m\""), // a C1 control: a terminal escape
                        claims("\"sub\":\"lone \\ud800 surrogate\""), // not a character
                        claims("\"sub\":\"rtl \\u202e override\""), // reorders what a reader sees
                        claims("\"iss\":\"del \\u007f\""),
                        claims("\"aud\":5"),
                        "{\"a\":" + "[".repeat(40) + "]".repeat(40) + "}",
                        "\u00ff");
        for (String p : payloads) {
            String token =
                    PasetoV4Public.sign(
                            COURIER,
                            p.getBytes(StandardCharsets.ISO_8859_1),
                            AccessTokens.footerFor(COURIER.publicKey()),
                            new byte[0]);
            assertEquals(RejectionReason.MALFORMED, reason(token, NOW), p);
        }
    }

    @Test
    void verify_payloadOver1024Bytes_isMalformed() {
        String p = claims("\"pad\":\"" + "x".repeat(1024) + "\"");
        String token =
                PasetoV4Public.sign(
                        COURIER,
                        p.getBytes(StandardCharsets.UTF_8),
                        AccessTokens.footerFor(COURIER.publicKey()),
                        new byte[0]);
        assertEquals(RejectionReason.MALFORMED, reason(token, NOW));
    }

    @Test
    void verify_unknownClaims_areIgnored_whateverValidJsonTheyHold() throws Exception {
        for (String extra :
                new String[] {
                    "\"extra\":{\"nested\":true}",
                    "\"n\":1234567890123456789012345678901",
                    "\"f\":1.5e300",
                    "\"s\":\"\\u00e9t\\u00e9 \\ud83d\\udd11\""
                }) {
            String token =
                    PasetoV4Public.sign(
                            COURIER,
                            claims(extra).getBytes(StandardCharsets.UTF_8),
                            AccessTokens.footerFor(COURIER.publicKey()),
                            new byte[0]);
            assertEquals(Role.DELIVERY, verify(token, NOW).claims().role(), extra);
        }
    }

    @Test
    void verify_subWithLettersBeyondAscii_isAccepted() throws Exception {
        String token =
                PasetoV4Public.sign(
                        COURIER,
                        claims("\"sub\":\"Zo\\u00eb \\ud83d\\udce6\"")
                                .getBytes(StandardCharsets.UTF_8),
                        AccessTokens.footerFor(COURIER.publicKey()),
                        new byte[0]);
        assertEquals("Zo\u00eb \ud83d\udce6", verify(token, NOW).claims().subject());
    }

    @Test
    void verify_invisibleCharactersInSubOrIss_areMalformed_theJoinersStay() throws Exception {
        // Finding 11 of the third review: "ad" U+200B "min" was granted and audited as "admin".
        for (String invisible :
                new String[] {
                    "\\u200b",
                    "\\u2060",
                    "\\ufeff",
                    "\\u00ad",
                    "\\u2028",
                    "\\u180e",
                    "\\u3164",
                    "\\udb40\\udc41" /* TAG LATIN CAPITAL LETTER A */,
                    // the fourth review: unassigned tags, marks that show nothing, look-alike
                    // spaces, private use, noncharacters, a blank Braille pattern
                    "\\udb40\\udc00" /* U+E0000 */,
                    "\\udb40\\udc1f" /* U+E001F */,
                    "\\u034f",
                    "\\ufe0f",
                    "\\udb40\\udd00" /* U+E0100 */,
                    "\\u17b4",
                    "\\u2065",
                    "\\u2800",
                    "\\ufffe",
                    "\\uffff",
                    "\\ue000",
                    "\\u00a0",
                    "\\u3000",
                    "\\u2009"
                }) {
            for (String claim : new String[] {"sub", "iss"}) {
                String token =
                        PasetoV4Public.sign(
                                COURIER,
                                claims("\"" + claim + "\":\"ad" + invisible + "min\"")
                                        .getBytes(StandardCharsets.UTF_8),
                                AccessTokens.footerFor(COURIER.publicKey()),
                                new byte[0]);
                TokenRejectedException e =
                        assertThrows(TokenRejectedException.class, () -> verify(token, NOW));
                assertEquals(RejectionReason.MALFORMED, e.reason(), claim + " " + invisible);
                assertTrue(e.detail().contains(claim + " must not contain"), e.detail());
            }
        }
        // A family emoji is joined by ZWJ, and Persian needs ZWNJ: both stay, shown escaped.
        String family =
                "\\ud83d\\udc69\\u200d\\ud83d\\udc67"
                        + " \\u0645\\u06cc\\u200c\\u062e\\u0648\\u0627\\u0647\\u0645";
        String token =
                PasetoV4Public.sign(
                        COURIER,
                        claims("\"sub\":\"" + family + "\"").getBytes(StandardCharsets.UTF_8),
                        AccessTokens.footerFor(COURIER.publicKey()),
                        new byte[0]);
        String sub = verify(token, NOW).claims().subject();
        assertTrue(sub.contains("\u200d") && sub.contains("\u200c"));
        assertEquals(
                "\ud83d\udc69\\u200d\ud83d\udc67 \u0645\u06cc\\u200c\u062e\u0648\u0627\u0647\u0645",
                Names.forPeople(sub));
    }

    /**
     * A pass with its own schedule: "Tuesdays 10-13" opens the door only then, in the door's zone,
     * and the key's own hours still apply. Only in a token addressed to a door id.
     */
    @Test
    void verify_aPassWithItsOwnHours_opensOnlyThen_andItsKeysHoursStillApply() throws Exception {
        String door = Fixture.STRANGER.publicKey().pid(); // any door id
        AccessTokenVerifier verifier =
                new AccessTokenVerifier(door, Fixture.TRUST, ClockRules.DEFAULT, Fixture.ZONE);
        Instant from = Instant.parse("2026-11-30T23:00:00Z"); // Tuesday 1 December, 00:00 Berlin
        String tuesdays =
                AccessTokens.issue(
                        OWNER,
                        new AccessClaims(
                                "home",
                                door,
                                "cleaner-tuesdays-01",
                                from,
                                from,
                                from.plus(Duration.ofDays(28)),
                                Use.WINDOW,
                                Role.GUEST,
                                "cleaner",
                                Optional.of(WeeklyHours.parse("Tue 10:00-13:00"))));
        Instant tue1030 = Instant.parse("2026-12-01T09:30:00Z");
        assertEquals(
                "Tue 10:00-13:00",
                verifier.verify(tuesdays, new ClockReading.Trusted(tue1030), RevocationLists.NONE)
                        .claims()
                        .hours()
                        .orElseThrow()
                        .toString());
        verifier.verify(
                tuesdays,
                new ClockReading.Trusted(tue1030.plus(Duration.ofDays(7))),
                RevocationLists.NONE);
        for (Instant outside :
                List.of(
                        Instant.parse("2026-12-01T12:00:00Z"), // Tuesday 13:00: the end is out
                        Instant.parse("2026-12-01T08:59:00Z"), // Tuesday 09:59
                        Instant.parse("2026-12-02T09:30:00Z"))) { // Wednesday 10:30
            TokenRejectedException e =
                    assertThrows(
                            TokenRejectedException.class,
                            () ->
                                    verifier.verify(
                                            tuesdays,
                                            new ClockReading.Trusted(outside),
                                            RevocationLists.NONE));
            assertEquals(RejectionReason.OUTSIDE_HOURS, e.reason(), outside.toString());
            assertTrue(e.detail().contains("this pass is valid only Tue 10:00-13:00"), e.detail());
        }

        // The courier key may be used Mon-Sat 08:00-20:00; a pass of its own for 19:00-21:00 opens
        // only where both allow: Wednesday 19:30 yes, Wednesday 20:30 no (the key's hours).
        Instant wed1830 = Instant.parse("2026-11-25T18:30:00Z");
        AccessClaims c = courierWith(wed1830.minusSeconds(60), wed1830.plus(Duration.ofHours(3)));
        String evening =
                courier(
                        new AccessClaims(
                                c.issuer(),
                                door,
                                c.tokenId(),
                                c.issuedAt(),
                                c.notBefore(),
                                c.expires(),
                                c.use(),
                                c.role(),
                                c.subject(),
                                Optional.of(WeeklyHours.parse("Mon-Sun 19:00-21:00"))));
        verifier.verify(evening, new ClockReading.Trusted(wed1830), RevocationLists.NONE);
        TokenRejectedException late =
                assertThrows(
                        TokenRejectedException.class,
                        () ->
                                verifier.verify(
                                        evening,
                                        new ClockReading.Trusted(wed1830.plus(Duration.ofHours(1))),
                                        RevocationLists.NONE));
        assertEquals(RejectionReason.OUTSIDE_HOURS, late.reason());
        assertTrue(late.detail().contains("key 'parcel-co'"), late.detail());
    }

    /** An older door knows itself by lock_id and would ignore the schedule: not allowed there. */
    @Test
    void hours_inATokenAddressedByLockId_isMalformed() throws Exception {
        assertThrows(
                IllegalArgumentException.class,
                () ->
                        new AccessClaims(
                                "home",
                                "front-door",
                                "cleaner-tuesdays-01",
                                NOW,
                                NOW,
                                NOW.plus(Duration.ofDays(1)),
                                Use.WINDOW,
                                Role.GUEST,
                                "cleaner",
                                Optional.of(WeeklyHours.parse("Tue 10:00-13:00"))));
        String signed =
                PasetoV4Public.sign(
                        OWNER,
                        claims("\"hours\":\"Tue 10:00-13:00\"").getBytes(StandardCharsets.UTF_8),
                        AccessTokens.footerFor(OWNER.publicKey()),
                        new byte[0]);
        TokenRejectedException e =
                assertThrows(TokenRejectedException.class, () -> verify(signed, NOW));
        assertEquals(RejectionReason.MALFORMED, e.reason());
        assertTrue(e.detail().contains("hours is allowed only"), e.detail());
        String badHours =
                PasetoV4Public.sign(
                        OWNER,
                        claims("\"hours\":\"Tuesdays\"").getBytes(StandardCharsets.UTF_8),
                        AccessTokens.footerFor(OWNER.publicKey()),
                        new byte[0]);
        assertEquals(RejectionReason.MALFORMED, reason(badHours, NOW));
        // A claim named like "hours" but not exactly would be ignored, and open at any hour.
        for (String lookalike : new String[] {"Hours", "hours ", " HOURS"}) {
            String t =
                    PasetoV4Public.sign(
                            OWNER,
                            claims("\"" + lookalike + "\":\"Tue 10:00-13:00\"")
                                    .getBytes(StandardCharsets.UTF_8),
                            AccessTokens.footerFor(OWNER.publicKey()),
                            new byte[0]);
            assertEquals(RejectionReason.MALFORMED, reason(t, NOW), lookalike);
        }
    }

    @Test
    void verify_weeklyHoursUseTheDoorsZone() throws Exception {
        // 07:30 UTC is 08:30 in Berlin (inside Mon-Sat 08:00-20:00) but 07:30 in London (outside).
        Instant t = Instant.parse("2026-11-25T07:30:00Z");
        String token = courier(courierWith(t.minusSeconds(60), t.plus(Duration.ofHours(1))));
        verify(token, t);
        AccessTokenVerifier london =
                new AccessTokenVerifier(
                        LOCK, Fixture.TRUST, ClockRules.DEFAULT, ZoneId.of("Europe/London"));
        assertEquals(
                RejectionReason.OUTSIDE_HOURS,
                assertThrows(
                                TokenRejectedException.class,
                                () ->
                                        london.verify(
                                                token,
                                                new ClockReading.Trusted(t),
                                                RevocationLists.NONE))
                        .reason());
    }

    @Test
    void clockRules_skewAbove300s_isRefused() {
        assertThrows(
                IllegalArgumentException.class,
                () -> new ClockRules(Duration.ofSeconds(301), EnumSet.noneOf(Role.class)));
    }

    @Test
    void rejection_detail_neverContainsTheToken() {
        String token = Fixture.courierToken();
        TokenRejectedException e =
                assertThrows(
                        TokenRejectedException.class,
                        () -> verify(token, NOW.plus(Duration.ofDays(1))));
        assertFalse(e.getMessage().contains(token.substring(10, 40)));
    }

    /** A valid courier payload with one claim replaced or added. */
    private static String claims(String override) {
        String name = override.substring(1, override.indexOf('"', 1));
        StringBuilder sb = new StringBuilder("{");
        String[][] base = {
            {"iss", "\"parcel-co\""},
            {"aud", "\"front-door\""},
            {"jti", "\"order-0000000000009\""},
            {"iat", "\"2026-11-25T08:50:00Z\""},
            {"nbf", "\"2026-11-25T08:55:00Z\""},
            {"exp", "\"2026-11-25T10:00:00Z\""},
            {"use", "\"once\""},
            {"role", "\"delivery\""},
            {"sub", "\"c\""}
        };
        for (String[] kv : base) {
            if (!kv[0].equals(name)) {
                sb.append('"').append(kv[0]).append("\":").append(kv[1]).append(',');
            }
        }
        return sb.append(override).append('}').toString();
    }
}
