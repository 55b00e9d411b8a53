package org.latchkey.token;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.latchkey.token.Fixture.NOW;
import static org.latchkey.token.RejectionReason.BAD_SIGNATURE;
import static org.latchkey.token.RejectionReason.MALFORMED;
import static org.latchkey.token.RejectionReason.UNKNOWN_KEY;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import org.junit.jupiter.api.Test;

import java.util.EnumSet;
import java.util.Set;

/**
 * Bad input (security.md 1–5): every variant of a valid token is refused, with the expected reason.
 */
class MalformedInputTest {
    private static final String TOKEN = Fixture.courierToken();
    private static final String HEADER = "v4.public.";
    private static final int FOOTER_DOT = TOKEN.lastIndexOf('.');

    private static RejectionReason reason(String token) {
        return assertThrows(TokenRejectedException.class, () -> Fixture.verifyAt(token, NOW), token)
                .reason();
    }

    @Test
    void theUnmodifiedTokenIsAccepted() throws Exception {
        Fixture.verifyAt(TOKEN, NOW);
    }

    @Test
    void everyBitFlipOfTheSignedBytes_isBadSignature() throws Exception {
        byte[] body = Base64Url.decode(TOKEN.substring(HEADER.length(), FOOTER_DOT));
        String footer = TOKEN.substring(FOOTER_DOT);
        int checked = 0;
        for (int i = 0; i < body.length * 8; i++) {
            byte[] flipped = body.clone();
            flipped[i / 8] ^= (byte) (1 << (i % 8));
            assertEquals(
                    BAD_SIGNATURE, reason(HEADER + Base64Url.encode(flipped) + footer), "bit " + i);
            checked++;
        }
        assertTrue(body.length > 64 && checked == body.length * 8);
    }

    @Test
    void everyBitFlipOfTheFooterBytes_isRefusedBeforeTheSignature() throws Exception {
        byte[] footer = Base64Url.decode(TOKEN.substring(FOOTER_DOT + 1));
        String head = TOKEN.substring(0, FOOTER_DOT + 1);
        for (int i = 0; i < footer.length * 8; i++) {
            byte[] flipped = footer.clone();
            flipped[i / 8] ^= (byte) (1 << (i % 8));
            RejectionReason r = reason(head + Base64Url.encode(flipped));
            assertTrue(r == MALFORMED || r == UNKNOWN_KEY, "bit " + i + ": " + r);
        }
    }

    @Test
    void everyBitFlipOfTheText_isRefused() {
        Set<RejectionReason> expected = EnumSet.of(MALFORMED, BAD_SIGNATURE, UNKNOWN_KEY);
        for (int i = 0; i < TOKEN.length() * 8; i++) {
            char[] chars = TOKEN.toCharArray();
            chars[i / 8] ^= (char) (1 << (i % 8));
            RejectionReason r = reason(new String(chars));
            assertTrue(expected.contains(r), "bit " + i + ": " + r);
            if (i / 8 < HEADER.length() || i / 8 == FOOTER_DOT) {
                assertEquals(MALFORMED, r, "bit " + i);
            }
        }
    }

    @Test
    void everyTruncation_isMalformed() {
        for (int n = 0; n < TOKEN.length(); n++) {
            assertEquals(MALFORMED, reason(TOKEN.substring(0, n)), "length " + n);
        }
    }

    @Test
    void appendedBytes_areMalformed() {
        assertEquals(MALFORMED, reason(TOKEN + "A"));
        assertEquals(MALFORMED, reason(TOKEN + "\0"));
        assertEquals(MALFORMED, reason(TOKEN + "A".repeat(64)));
        assertEquals(MALFORMED, reason(TOKEN + "."));
        assertEquals(MALFORMED, reason(TOKEN + ".e30"));
        assertEquals(MALFORMED, reason(TOKEN + " "));
        assertEquals(MALFORMED, reason(TOKEN + "\n\n\n\n"));
    }

    @Test
    void paddingAndNonCanonicalBase64_areMalformed() {
        String body = TOKEN.substring(HEADER.length(), FOOTER_DOT);
        String footer = TOKEN.substring(FOOTER_DOT);
        assertEquals(MALFORMED, reason(HEADER + body + "=" + footer));
        assertEquals(MALFORMED, reason(HEADER + body + "==" + footer));
        assertEquals(MALFORMED, reason(TOKEN + "="));
        // Standard base64 alphabet instead of base64url.
        assertEquals(
                MALFORMED, reason(TOKEN.replace('-', '+').replace('_', '/').replace("A", "+")));
        // Set the unused low bits of the body's last character: decodes to the same bytes, but is
        // not canonical.
        int bodyBytes = Base64Url.decode(body).length;
        if (bodyBytes % 3 != 0) {
            char last = body.charAt(body.length() - 1);
            String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
            char other = alphabet.charAt(alphabet.indexOf(last) | 1);
            assertEquals(
                    MALFORMED,
                    reason(HEADER + body.substring(0, body.length() - 1) + other + footer));
        }
    }

    @Test
    void nonAsciiNulCrLfInside_areMalformed() {
        int mid = TOKEN.length() / 2;
        for (String bad : new String[] {"é", "\0", "\r", "\n", "\r\n", " ", "\t", "\uFEFF"}) {
            assertEquals(
                    MALFORMED, reason(TOKEN.substring(0, mid) + bad + TOKEN.substring(mid)), bad);
        }
        assertEquals(MALFORMED, reason("\uFEFF" + TOKEN));
        assertEquals(MALFORMED, reason(" " + TOKEN));
    }

    @Test
    void emptyAndHugeInput_areMalformed() {
        assertEquals(MALFORMED, reason(""));
        assertEquals(MALFORMED, reason("\r\n"));
        assertEquals(MALFORMED, reason("x".repeat(2049)));
        assertEquals(MALFORMED, reason("v4.public." + "A".repeat(10 * 1024 * 1024)));
    }

    @Test
    void otherVersionsAndPurposes_areMalformed() {
        String rest = TOKEN.substring(HEADER.length());
        for (String h :
                new String[] {
                    "v4.local.",
                    "v3.public.",
                    "v2.public.",
                    "v1.public.",
                    "V4.public.",
                    "v4.Public."
                }) {
            assertEquals(MALFORMED, reason(h + rest), h);
        }
    }

    @Test
    void footerOfAnotherShape_isMalformed() {
        String head = TOKEN.substring(0, FOOTER_DOT + 1);
        String kid = Fixture.COURIER.publicKey().pid();
        for (String footer :
                new String[] {
                    "{\"kid\": \"" + kid + "\"}",
                    "{\"kid\":\"" + kid + "\",\"x\":1}",
                    "{\"KID\":\"" + kid + "\"}",
                    kid,
                    "{\"kid\":\"" + Fixture.COURIER.publicKey().paserk() + "\"}",
                    "{}",
                    "{\"kid\":\"" + kid + "\"} "
                }) {
            assertEquals(MALFORMED, reason(head + Base64Url.encode(footer.getBytes())), footer);
        }
        // No footer at all.
        assertEquals(MALFORMED, reason(TOKEN.substring(0, FOOTER_DOT)));
    }

    @Property(tries = 2000)
    void randomText_isNeverAccepted(@ForAll("tokenLike") String text) {
        RejectionReason r = reason(text);
        assertTrue(r == MALFORMED || r == UNKNOWN_KEY || r == BAD_SIGNATURE, r::name);
    }

    @Provide
    Arbitrary<String> tokenLike() {
        Arbitrary<String> b64 =
                Arbitraries.strings()
                        .withChars(
                                "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
                        .ofMaxLength(400);
        Arbitrary<String> any = Arbitraries.strings().ofMaxLength(300);
        return Arbitraries.oneOf(
                any,
                b64.map(s -> HEADER + s),
                b64.map(s -> HEADER + s + TOKEN.substring(FOOTER_DOT)));
    }
}
