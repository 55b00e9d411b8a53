package org.latchkey.token;

import static org.latchkey.token.RejectionReason.MALFORMED;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.latchkey.config.Durations;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * An owner's word that the door shall trust one more key (a phone's), with its policy: a {@code
 * v4.public} document, {@code typ} "latchkey-enrolment", signed by a trusted owner key and
 * addressed to this door. It is admitted while fresh (a few minutes, used once: a courier cannot
 * replay one seen on a screen) and then kept in the state directory, where it is verified again at
 * every load without its expiry. It never opens the door.
 *
 * @param issuer the key it admits, with its name and policy
 * @param signerKid the owner key that signed it
 * @param text the signed text, as the door keeps it
 */
public record Enrolment(
        TrustedIssuer issuer,
        String signerKid,
        String jti,
        Instant issuedAt,
        Instant expires,
        String text) {
    public static final String TYPE = "latchkey-enrolment";

    /** An enrolment is shown on a screen and scanned at once: it holds this long at most. */
    public static final Duration MAX_VALIDITY = Duration.ofMinutes(15);

    public static final Duration LONGEST_WINDOW = Duration.ofDays(366);

    /** An enrolled key's name, as `latchkey issuer add` takes it. */
    public static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9 ._-]{0,63}");

    private static final Set<String> CLAIMS =
            Set.of(
                    "typ",
                    "aud",
                    "jti",
                    "iat",
                    "exp",
                    "name",
                    "key",
                    "roles",
                    "max_window",
                    "hours",
                    "once_only");

    /**
     * Whether a text presented at the door says it is an enrolment (before any check): where it
     * goes is decided here, what it is worth by the verifier.
     */
    public static boolean claimsToBe(String text) {
        try {
            byte[] payload = SignedToken.accessToken(SignedToken.withoutLineEnd(text)).payload();
            return new String(payload, StandardCharsets.UTF_8).contains("\"typ\":\"" + TYPE + "\"");
        } catch (TokenRejectedException e) {
            return false;
        }
    }

    /** Reads a verified payload; every shape error is {@link RejectionReason#MALFORMED}. */
    static Enrolment read(SignedToken token, String signerKid, Audience audience)
            throws TokenRejectedException {
        String aud;
        Enrolment e;
        try {
            ObjectNode o = Json.parseObject(token.payload());
            if (!TYPE.equals(AccessClaims.text(o, "typ"))) {
                throw new IllegalArgumentException("typ is not \"" + TYPE + "\"");
            }
            o.fieldNames()
                    .forEachRemaining(
                            n -> {
                                if (!CLAIMS.contains(n)
                                        && CLAIMS.stream()
                                                .anyMatch(c -> c.equalsIgnoreCase(n.strip()))) {
                                    throw new IllegalArgumentException(
                                            "claim \"" + n + "\" is not \"" + n.strip() + "\"");
                                }
                            });
            aud = AccessClaims.text(o, "aud");
            String jti = AccessClaims.text(o, "jti");
            if (!AccessClaims.TOKEN_ID.matcher(jti).matches()) {
                throw new IllegalArgumentException("jti must be 16–64 of A–Z a–z 0–9 _ -");
            }
            Instant iat = AccessClaims.time(o, "iat");
            Instant exp = AccessClaims.time(o, "exp");
            if (!exp.isAfter(iat) || Duration.between(iat, exp).compareTo(MAX_VALIDITY) > 0) {
                throw new IllegalArgumentException(
                        "exp must come after iat, by at most "
                                + MAX_VALIDITY.toMinutes()
                                + " minutes");
            }
            String name = AccessClaims.text(o, "name");
            if (!NAME.matcher(name).matches()) {
                throw new IllegalArgumentException(
                        "name must be 1–64 letters, digits, space . _ - (a letter or digit"
                                + " first)");
            }
            PublicKey key = PublicKey.fromPaserk(AccessClaims.text(o, "key"));
            Duration maxWindow = Durations.parse(AccessClaims.text(o, "max_window"));
            if (maxWindow.isZero() || maxWindow.compareTo(LONGEST_WINDOW) > 0) {
                throw new IllegalArgumentException("max_window must be more than 0, at most 366d");
            }
            Optional<WeeklyHours> hours =
                    o.has("hours")
                            ? Optional.of(WeeklyHours.parse(AccessClaims.text(o, "hours")))
                            : Optional.empty();
            JsonNode once = o.get("once_only");
            if (once != null && !once.isBoolean()) {
                throw new IllegalArgumentException("once_only must be true or false");
            }
            IssuerPolicy policy =
                    new IssuerPolicy(
                            roles(o.get("roles")),
                            maxWindow,
                            hours,
                            once != null && once.booleanValue());
            e =
                    new Enrolment(
                            new TrustedIssuer(name, key, policy),
                            signerKid,
                            jti,
                            iat,
                            exp,
                            token.text());
        } catch (IllegalArgumentException | NullPointerException x) {
            throw new TokenRejectedException(
                    MALFORMED,
                    "enrolment: " + (x.getMessage() == null ? "claims" : x.getMessage()));
        }
        if (!audience.matches(aud)) {
            throw audience.wrong("enrolment", aud);
        }
        return e;
    }

    private static Set<Role> roles(JsonNode node) {
        if (!(node instanceof ArrayNode a) || a.isEmpty() || a.size() > Role.values().length) {
            throw new IllegalArgumentException(
                    "roles must be a list of \"owner\", \"delivery\", \"service\", \"guest\"");
        }
        Set<Role> roles = EnumSet.noneOf(Role.class);
        for (JsonNode n : a) {
            roles.add(
                    Role.fromWireName(n.isTextual() ? n.textValue() : "")
                            .orElseThrow(
                                    () ->
                                            new IllegalArgumentException(
                                                    "roles: " + n + " is not a role")));
        }
        return roles;
    }

    /** The payload an owner signs to enrol {@code issuer} at the door {@code aud}. */
    public static byte[] claims(
            TrustedIssuer issuer, String aud, String jti, Instant issuedAt, Duration validFor) {
        ObjectNode o = Json.object();
        o.put("typ", TYPE);
        o.put("aud", aud);
        o.put("jti", jti);
        o.put("iat", Rfc3339.format(issuedAt));
        o.put("exp", Rfc3339.format(issuedAt.plus(validFor)));
        o.put("name", issuer.name());
        o.put("key", issuer.key().paserk());
        ArrayNode roles = o.putArray("roles");
        issuer.policy().roles().forEach(r -> roles.add(r.wireName()));
        o.put("max_window", Durations.format(issuer.policy().maxWindow()));
        issuer.policy().hours().ifPresent(h -> o.put("hours", h.toString()));
        if (issuer.policy().onceOnly()) {
            o.put("once_only", true);
        }
        return Json.write(o).getBytes(StandardCharsets.UTF_8);
    }
}
