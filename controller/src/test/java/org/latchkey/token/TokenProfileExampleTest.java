package org.latchkey.token;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The worked example of docs/token-profile.md, minted there with a second library (Node's paseto):
 * the token in the document verifies here as the document says, and latchkey's own signer makes the
 * very same token from the published example key and the same payload bytes.
 */
class TokenProfileExampleTest {
    static final Path PROFILE = Path.of("..", "docs", "token-profile.md");
    static final byte[] SEED =
            HexFormat.of()
                    .parseHex("6c617463686b65792d6578616d706c652d6b65792d444f2d4e4f542d55534521");

    /** The example door's key: the 32 ASCII bytes "latchkey-example-door-DO-NOT-USE". */
    static final byte[] DOOR_SEED =
            "latchkey-example-door-DO-NOT-USE".getBytes(StandardCharsets.US_ASCII);

    static final String DOOR_ID = SigningKey.fromSeed(DOOR_SEED).publicKey().pid();
    static final String PAYLOAD =
            "{\"iss\":\"parcel-co\",\"aud\":\""
                    + DOOR_ID
                    + "\",\"jti\":\"order-4711-example-1\","
                    + "\"iat\":\"2026-12-01T07:55:00Z\",\"nbf\":\"2026-12-01T08:00:00Z\","
                    + "\"exp\":\"2026-12-01T10:00:00Z\",\"use\":\"once\",\"role\":\"delivery\","
                    + "\"sub\":\"order 4711\"}";

    private static String documented(String label) throws Exception {
        Matcher m =
                Pattern.compile("(?m)^" + label + "\\s+(\\S+)$").matcher(Files.readString(PROFILE));
        if (!m.find()) {
            throw new AssertionError("docs/token-profile.md has no '" + label + "' line");
        }
        return m.group(1);
    }

    @Test
    void theDocumentsExampleToken_isLatchkeysOwn_andVerifiesAsDocumented() throws Exception {
        SigningKey key = SigningKey.fromSeed(SEED);
        assertEquals(documented("public key"), key.publicKey().paserk());
        assertEquals(documented("key id"), key.publicKey().pid());
        String token = documented("token");
        assertEquals(
                token,
                AccessTokens.sign(key, PAYLOAD.getBytes(StandardCharsets.UTF_8)),
                "the same token from latchkey's signer");

        TrustedIssuer parcelCo =
                new TrustedIssuer(
                        "parcel-co",
                        key.publicKey(),
                        new IssuerPolicy(
                                EnumSet.of(Role.DELIVERY),
                                Duration.ofHours(4),
                                Optional.empty(),
                                true));
        assertEquals(documented("door id"), DOOR_ID);
        AccessTokenVerifier door =
                new AccessTokenVerifier(
                        new Audience(Optional.of(DOOR_ID), "front-door"),
                        TrustStore.of(List.of(parcelCo)),
                        ClockRules.DEFAULT,
                        ZoneOffset.UTC);
        VerifiedAccess ok =
                door.verify(
                        token,
                        new ClockReading.Trusted(Instant.parse("2026-12-01T09:00:00Z")),
                        RevocationLists.NONE);
        assertEquals("order 4711", ok.claims().subject());
        assertEquals(
                RejectionReason.EXPIRED,
                assertThrows(
                                TokenRejectedException.class,
                                () ->
                                        door.verify(
                                                token,
                                                new ClockReading.Trusted(
                                                        Instant.parse("2026-12-01T10:01:00Z")),
                                                RevocationLists.NONE))
                        .reason());

        // Another home's front-door, trusting the same company key: not the door the token names.
        AccessTokenVerifier another =
                new AccessTokenVerifier(
                        new Audience(
                                Optional.of(SigningKey.fromSeed(new byte[32]).publicKey().pid()),
                                "front-door"),
                        TrustStore.of(List.of(parcelCo)),
                        ClockRules.DEFAULT,
                        ZoneOffset.UTC);
        assertEquals(
                RejectionReason.WRONG_LOCK,
                assertThrows(
                                TokenRejectedException.class,
                                () ->
                                        another.verify(
                                                token,
                                                new ClockReading.Trusted(
                                                        Instant.parse("2026-12-01T09:00:00Z")),
                                                RevocationLists.NONE))
                        .reason());
    }
}
