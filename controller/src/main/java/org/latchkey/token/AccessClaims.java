package org.latchkey.token;

import static org.latchkey.token.RejectionReason.MALFORMED;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The claims of a latchkey access token (docs/token-profile.md). Construction checks each claim's
 * shape; the door's rules (lock, time, policy) are the verifier's.
 *
 * @param issuer {@code iss}, for the audit trail only; empty when absent
 * @param subject {@code sub}: who or what for; empty when absent
 * @param hours {@code hours}: the weekly hours the pass itself may be used in, in the door's time
 *     zone (as well as its key's own hours); empty when absent
 */
public record AccessClaims(
        String issuer,
        String audience,
        String tokenId,
        Instant issuedAt,
        Instant notBefore,
        Instant expires,
        Use use,
        Role role,
        String subject,
        Optional<WeeklyHours> hours) {

    /** Payloads above this size are refused before parsing. */
    public static final int MAX_PAYLOAD_BYTES = 1024;

    public static final Pattern TOKEN_ID = Pattern.compile("[A-Za-z0-9_-]{16,64}");
    private static final int MAX_TEXT = 64;

    /** A pass with no hours of its own. */
    public AccessClaims(
            String issuer,
            String audience,
            String tokenId,
            Instant issuedAt,
            Instant notBefore,
            Instant expires,
            Use use,
            Role role,
            String subject) {
        this(
                issuer,
                audience,
                tokenId,
                issuedAt,
                notBefore,
                expires,
                use,
                role,
                subject,
                Optional.empty());
    }

    public AccessClaims {
        Objects.requireNonNull(hours, "hours");
        Objects.requireNonNull(issuedAt, "iat");
        Objects.requireNonNull(notBefore, "nbf");
        Objects.requireNonNull(expires, "exp");
        Objects.requireNonNull(use, "use");
        Objects.requireNonNull(role, "role");
        requireText(issuer, "iss", 0);
        requireText(subject, "sub", 0);
        requireText(audience, "aud", 1);
        if (!TOKEN_ID.matcher(tokenId).matches()) {
            throw new IllegalArgumentException("jti must be 16–64 characters of A–Z a–z 0–9 _ -");
        }
        if (!expires.isAfter(notBefore)) {
            throw new IllegalArgumentException("exp must be later than nbf");
        }
        // A door from before door ids knew itself by lock_id and ignores claims it does not know:
        // it would let a scheduled pass in at any hour. Such doors refuse a k4.pid aud.
        if (hours.isPresent() && !hours.get().equals(WeeklyHours.parse(hours.get().toString()))) {
            throw new IllegalArgumentException(
                    "hours cannot be written as a claim the door reads back: "
                            + hours.get().toString().length()
                            + " characters, at most 200");
        }
        if (hours.isPresent() && !audience.startsWith("k4.pid.")) {
            throw new IllegalArgumentException(
                    "hours is allowed only in a token that names its door by its door id"
                            + " (k4.pid.…): a door that knows itself by lock_id would ignore it");
        }
    }

    /** {@code exp - nbf}: how long the window is open. */
    public Duration window() {
        return Duration.between(notBefore, expires);
    }

    /** Parses a verified payload; every shape error is {@link RejectionReason#MALFORMED}. */
    static AccessClaims parse(byte[] payload) throws TokenRejectedException {
        if (payload.length > MAX_PAYLOAD_BYTES) {
            throw new TokenRejectedException(
                    MALFORMED, "payload larger than " + MAX_PAYLOAD_BYTES + " bytes");
        }
        try {
            ObjectNode o = Json.parseObject(payload);
            refuseLookalikes(o);
            return new AccessClaims(
                    optionalText(o, "iss"),
                    text(o, "aud"),
                    text(o, "jti"),
                    time(o, "iat"),
                    time(o, "nbf"),
                    time(o, "exp"),
                    Use.fromWireName(text(o, "use"))
                            .orElseThrow(
                                    () ->
                                            new IllegalArgumentException(
                                                    "use must be \"once\" or \"window\"")),
                    Role.fromWireName(text(o, "role"))
                            .orElseThrow(
                                    () ->
                                            new IllegalArgumentException(
                                                    "role must be \"owner\", \"delivery\","
                                                            + " \"service\" or \"guest\"")),
                    optionalText(o, "sub"),
                    hours(o));
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new TokenRejectedException(MALFORMED, "claims: " + e.getMessage());
        }
    }

    /** The payload JSON an issuer signs. */
    public byte[] toJson() {
        ObjectNode o = Json.object();
        if (!issuer.isEmpty()) {
            o.put("iss", issuer);
        }
        o.put("aud", audience);
        o.put("jti", tokenId);
        o.put("iat", Rfc3339.format(issuedAt));
        o.put("nbf", Rfc3339.format(notBefore));
        o.put("exp", Rfc3339.format(expires));
        o.put("use", use.wireName());
        o.put("role", role.wireName());
        if (!subject.isEmpty()) {
            o.put("sub", subject);
        }
        hours.ifPresent(h -> o.put("hours", h.toString()));
        return Json.write(o).getBytes(StandardCharsets.UTF_8);
    }

    static String text(ObjectNode o, String name) {
        JsonNode n = o.get(name);
        if (n == null) {
            throw new IllegalArgumentException(name + " is missing");
        }
        if (!n.isTextual()) {
            throw new IllegalArgumentException(name + " must be a string");
        }
        return n.textValue();
    }

    private static final java.util.Set<String> KNOWN =
            java.util.Set.of(
                    "iss", "aud", "jti", "iat", "nbf", "exp", "use", "role", "sub", "hours");

    /**
     * Unknown claims are ignored, but not one that is a known claim's name in other case or with
     * spaces: a pass carrying "Hours" would open at any hour while it reads as scheduled.
     */
    private static void refuseLookalikes(ObjectNode o) {
        for (var field : o.properties()) {
            String name = field.getKey();
            String folded = name.strip().toLowerCase(java.util.Locale.ROOT);
            if (!KNOWN.contains(name) && KNOWN.contains(folded)) {
                throw new IllegalArgumentException(
                        "a claim named like '"
                                + folded
                                + "' but not exactly: claim names are lower case, without spaces");
            }
        }
    }

    /** The pass's own weekly hours, in an issuer's {@code hours} syntax. */
    private static Optional<WeeklyHours> hours(ObjectNode o) {
        if (!o.has("hours")) {
            return Optional.empty();
        }
        try {
            return Optional.of(WeeklyHours.parse(text(o, "hours")));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("hours: " + e.getMessage());
        }
    }

    private static String optionalText(ObjectNode o, String name) {
        return o.has(name) ? text(o, name) : "";
    }

    static Instant time(ObjectNode o, String name) {
        try {
            return Rfc3339.parse(text(o, name));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(name + ": " + e.getMessage());
        }
    }

    private static void requireText(String value, String name, int min) {
        Objects.requireNonNull(value, name);
        if (value.length() < min || value.length() > MAX_TEXT) {
            throw new IllegalArgumentException(
                    name + " must be " + min + "–" + MAX_TEXT + " characters");
        }
        int bad = firstUnprintable(value);
        if (bad >= 0) {
            throw new IllegalArgumentException(
                    name
                            + " must not contain control, invisible, bidirectional-override or"
                            + " unpaired surrogate characters (found "
                            + (bad > 0xFFFF || !Character.isSurrogate((char) bad)
                                    ? String.format("U+%04X", bad)
                                    : "an unpaired surrogate")
                            + ")");
        }
    }

    /**
     * Text that is safe to show on a terminal and in a log, and that reads as what it is (see
     * {@link #firstUnprintable}).
     */
    public static boolean printable(String value) {
        return firstUnprintable(value) < 0;
    }

    /**
     * The first character a name may not hold, or -1: C0 and C1 controls (a C1 CSI starts a
     * terminal escape); every invisible format character (zero-width space, word joiner, BOM, soft
     * hyphen, bidirectional marks and overrides, tag characters…: "ad" U+200B "min" must not pass
     * for "admin") but the two joiners scripts and emoji need, ZWNJ and ZWJ (shown escaped, see
     * {@link Names#forPeople}); line and paragraph separators; Hangul fillers, which show as
     * nothing; unpaired surrogates.
     */
    static int firstUnprintable(String value) {
        for (int i = 0; i < value.length(); ) {
            char c = value.charAt(i);
            if (Character.isHighSurrogate(c)
                    && (i + 1 >= value.length()
                            || !Character.isLowSurrogate(value.charAt(i + 1)))) {
                return c;
            }
            if (Character.isLowSurrogate(c)) {
                return c;
            }
            int cp = value.codePointAt(i);
            if (!allowedInName(cp)) {
                return cp;
            }
            i += Character.charCount(cp);
        }
        return -1;
    }

    static boolean allowedInName(int cp) {
        if (cp == Names.ZWNJ || cp == Names.ZWJ) {
            return true;
        }
        return switch (Character.getType(cp)) {
            case Character.CONTROL,
                    Character.FORMAT,
                    Character.LINE_SEPARATOR,
                    Character.PARAGRAPH_SEPARATOR,
                    Character.SURROGATE,
                    Character.UNASSIGNED, // noncharacters too: what a font shows is anyone's guess
                    Character.PRIVATE_USE ->
                    false;
            case Character.SPACE_SEPARATOR -> cp == ' '; // no-break, thin, ideographic…: look alike
            default -> !ignorable(cp) && cp != 0x2800; // U+2800: a blank Braille pattern
        };
    }

    /**
     * Unicode's Default_Ignorable_Code_Point characters that are not format characters (those are
     * refused above): the Hangul fillers, the combining grapheme joiner, variation selectors, and
     * other marks that show nothing of their own.
     */
    private static boolean ignorable(int cp) {
        return cp == 0x034F
                || cp == 0x115F
                || cp == 0x1160
                || cp == 0x17B4
                || cp == 0x17B5
                || (cp >= 0x180B && cp <= 0x180F)
                || cp == 0x3164
                || (cp >= 0xFE00 && cp <= 0xFE0F)
                || cp == 0xFFA0
                || (cp >= 0x1D173 && cp <= 0x1D17A)
                || (cp >= 0xE0000 && cp <= 0xE0FFF);
    }
}
