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
    static final String PAYLOAD =
            "{\"iss\":\"parcel-co\",\"aud\":\"front-door\",\"jti\":\"order-4711-example-1\","
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
        AccessTokenVerifier door =
                new AccessTokenVerifier(
                        "front-door",
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
    }
}
