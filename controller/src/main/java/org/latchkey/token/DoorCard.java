package org.latchkey.token;

import static org.latchkey.token.RejectionReason.BAD_SIGNATURE;
import static org.latchkey.token.RejectionReason.MALFORMED;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.ZoneId;
import java.util.HexFormat;
import java.util.Optional;

/**
 * A door card: what a company (or the owner's phone) needs to address a door — its door id and
 * public door key, its lock id, its time zone, its fleet — signed by the door key ({@code typ}
 * "latchkey-door-card", footer kid = the door id), with the owner's endorsement inside: a token
 * signed by the owner key ({@code typ} "latchkey-door-endorsement") that names the same door key. A
 * card a device made up carries no endorsement by a key the company knows; the door key's
 * fingerprint can be checked by other means too (docs/token-profile.md, door cards).
 */
public final class DoorCard {
    public static final String TYPE = "latchkey-door-card";
    public static final String ENDORSEMENT_TYPE = "latchkey-door-endorsement";

    /**
     * A card that checked out.
     *
     * @param endorsement the owner's endorsement, when the card carries one that checks out
     */
    public record Verified(
            String doorId,
            PublicKey doorKey,
            String lockId,
            ZoneId zone,
            Optional<String> fleetId,
            Instant issuedAt,
            Optional<Endorsement> endorsement,
            String text) {}

    /** The owner's endorsement of a door key: who signed it and when. */
    public record Endorsement(PublicKey ownerKey, Instant issuedAt, String text) {}

    private DoorCard() {}

    /** The owner endorses this door key (for this lock id): a token of its own. */
    public static String endorse(
            SigningKey owner,
            PublicKey doorKey,
            String lockId,
            Optional<String> fleetId,
            Instant now) {
        ObjectNode o = Json.object();
        o.put("typ", ENDORSEMENT_TYPE);
        o.put("door_id", doorKey.pid());
        o.put("door_key", doorKey.paserk());
        o.put("lock_id", lockId);
        fleetId.ifPresent(f -> o.put("fleet_id", f));
        o.put("owner_key", owner.publicKey().paserk());
        o.put("iat", Rfc3339.format(now));
        return AccessTokens.sign(owner, Json.write(o).getBytes(StandardCharsets.UTF_8));
    }

    /**
     * The door's card, signed by its door key, carrying the owner's endorsement if there is one.
     */
    public static String sign(
            SigningKey door,
            String lockId,
            ZoneId zone,
            Optional<String> fleetId,
            Optional<String> endorsement,
            Instant now) {
        ObjectNode o = Json.object();
        o.put("typ", TYPE);
        o.put("door_id", door.publicKey().pid());
        o.put("door_key", door.publicKey().paserk());
        o.put("lock_id", lockId);
        o.put("tz", zone.getId());
        fleetId.ifPresent(f -> o.put("fleet_id", f));
        o.put("iat", Rfc3339.format(now));
        endorsement.ifPresent(e -> o.put("endorsement", e));
        return AccessTokens.sign(door, Json.write(o).getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Checks a card: its door key is the one its footer and {@code door_id} name, the door key
     * signed it, and the endorsement (if any) names the same door and key and was signed by the
     * owner key it carries. Whether that owner key is the owner's is for the reader to know.
     */
    public static Verified verify(String text) throws TokenRejectedException {
        SignedToken token = SignedToken.document(text);
        ObjectNode claims = selfSigned(token, TYPE, "door_key");
        PublicKey doorKey = PublicKey.fromPaserk(claims.get("door_key").textValue());
        try {
            String doorId = AccessClaims.text(claims, "door_id");
            if (!doorId.equals(doorKey.pid()) || !doorId.equals(token.kid())) {
                throw new IllegalArgumentException("door_id is not the id of door_key");
            }
            String lockId = AccessClaims.text(claims, "lock_id");
            ZoneId zone = ZoneId.of(AccessClaims.text(claims, "tz"));
            Optional<String> fleet =
                    claims.has("fleet_id")
                            ? Optional.of(AccessClaims.text(claims, "fleet_id"))
                            : Optional.empty();
            Instant iat = AccessClaims.time(claims, "iat");
            Optional<Endorsement> endorsement = Optional.empty();
            if (claims.has("endorsement")) {
                endorsement =
                        Optional.of(
                                endorsement(
                                        AccessClaims.text(claims, "endorsement"),
                                        doorKey,
                                        lockId,
                                        fleet));
            }
            return new Verified(
                    doorId, doorKey, lockId, zone, fleet, iat, endorsement, token.text());
        } catch (IllegalArgumentException | DateTimeException e) {
            throw new TokenRejectedException(MALFORMED, "door card: " + e.getMessage());
        }
    }

    /**
     * The owner's endorsement, for exactly this card: the same door key, lock id and fleet (a
     * company takes a fleet list's {@code aud} from the card, so the owner vouches for it too).
     */
    private static Endorsement endorsement(
            String text, PublicKey doorKey, String lockId, Optional<String> fleet)
            throws TokenRejectedException {
        SignedToken token = SignedToken.accessToken(text);
        ObjectNode claims = selfSigned(token, ENDORSEMENT_TYPE, "owner_key");
        PublicKey owner = PublicKey.fromPaserk(claims.get("owner_key").textValue());
        Optional<String> endorsedFleet =
                claims.has("fleet_id")
                        ? Optional.of(AccessClaims.text(claims, "fleet_id"))
                        : Optional.empty();
        if (!AccessClaims.text(claims, "door_key").equals(doorKey.paserk())
                || !AccessClaims.text(claims, "lock_id").equals(lockId)
                || !endorsedFleet.equals(fleet)) {
            throw new TokenRejectedException(
                    BAD_SIGNATURE, "the endorsement is for another door key, lock id or fleet");
        }
        return new Endorsement(owner, AccessClaims.time(claims, "iat"), text);
    }

    /**
     * The claims of a document signed by the key it names in {@code keyClaim} (whose id the footer
     * carries): checked before they are believed.
     */
    private static ObjectNode selfSigned(SignedToken token, String type, String keyClaim)
            throws TokenRejectedException {
        ObjectNode claims;
        PublicKey key;
        try {
            claims = Json.parseObject(token.payload());
            if (!type.equals(AccessClaims.text(claims, "typ"))) {
                throw new IllegalArgumentException("typ is not \"" + type + "\"");
            }
            key = PublicKey.fromPaserk(AccessClaims.text(claims, keyClaim));
        } catch (IllegalArgumentException e) {
            throw new TokenRejectedException(MALFORMED, type + ": " + e.getMessage());
        }
        if (!key.pid().equals(token.kid())) {
            throw new TokenRejectedException(
                    BAD_SIGNATURE, type + ": the footer names another key than " + keyClaim);
        }
        if (!token.verifiedWith(key)) {
            throw new TokenRejectedException(
                    BAD_SIGNATURE, type + ": the signature does not verify with " + keyClaim);
        }
        return claims;
    }

    /**
     * A key's fingerprint for people to compare by other means (read aloud, on paper): the first 16
     * bytes of the SHA-256 of the raw public key, in groups of four hex digits.
     */
    public static String fingerprint(PublicKey key) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(key.bytes());
            String hex = HexFormat.of().formatHex(d, 0, 16);
            return hex.replaceAll("(.{4})(?!$)", "$1 ");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The card's fields as JSON, for people and programs (never the private key). */
    public static ObjectNode json(Verified c) {
        ObjectNode o = Json.object();
        o.put("door_id", c.doorId());
        o.put("door_key", c.doorKey().paserk());
        o.put("fingerprint", fingerprint(c.doorKey()));
        o.put("lock_id", c.lockId());
        o.put("tz", c.zone().getId());
        c.fleetId().ifPresent(f -> o.put("fleet_id", f));
        o.put("iat", Rfc3339.format(c.issuedAt()));
        c.endorsement()
                .ifPresent(
                        e -> {
                            ObjectNode en = o.putObject("endorsed_by");
                            en.put("owner_kid", e.ownerKey().pid());
                            en.put("owner_key", e.ownerKey().paserk());
                            en.put("fingerprint", fingerprint(e.ownerKey()));
                            en.put("iat", Rfc3339.format(e.issuedAt()));
                        });
        o.put("card", c.text());
        return o;
    }
}
