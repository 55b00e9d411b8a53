package org.latchkey.door;

import org.latchkey.hal.BoltPosition;
import org.latchkey.hal.DoorState;
import org.latchkey.token.RejectionReason;
import org.latchkey.token.TokenRejectedException;
import org.latchkey.token.TrustedIssuer;
import org.latchkey.token.VerifiedAccess;

import java.time.Instant;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What the door writes to its audit log and shows on its event stream: one record type per kind of
 * entry, mapped to JSON in exactly one place ({@code org.latchkey.audit.AuditJson}). Records never
 * hold a token: key id, token id, subject, role and reason only.
 */
public sealed interface AuditRecord {

    /** The first record of a new log. */
    record Genesis() implements AuditRecord {}

    /**
     * The daemon started and read its sensors.
     *
     * @param modeSource where the mode came from: {@code config} or {@code persisted} (absent in
     *     records written before the mode was persisted)
     */
    record Startup(DoorState door, BoltPosition bolt, Mode mode, Optional<String> modeSource)
            implements AuditRecord {}

    /** The bolt settled; {@code byHand} when nobody commanded it (the thumb-turn). */
    record Bolt(BoltPosition position, boolean byHand) implements AuditRecord {}

    /** The bolt did not confirm its position: another attempt, counted from 1. */
    record BoltRetry(BoltPosition target, BoltPosition position, int attempt)
            implements AuditRecord {}

    /** The bolt did not confirm its position after every retry. */
    record BoltJammed(BoltPosition target, BoltPosition position) implements AuditRecord {}

    record Camera(boolean recording) implements AuditRecord {}

    record Granted(TokenRef token) implements AuditRecord {}

    record Refused(TokenRef token, RejectionReason reason) implements AuditRecord {}

    record Door(DoorState state) implements AuditRecord {}

    /** The door locks again without a new command from anyone, and why. */
    record Relock(String why) implements AuditRecord {}

    record AlarmRaised(Alarm alarm) implements AuditRecord {}

    record AlarmCleared(Alarm alarm) implements AuditRecord {}

    record ModeChanged(Mode from, Mode to) implements AuditRecord {}

    /**
     * A remote LOCK arrived from {@code source}; {@code outcome} says what the door did about it
     * (locking, already locked, locks when the door closes, ignored while starting or stopping).
     */
    record LockRequested(String source, String outcome) implements AuditRecord {}

    /**
     * A message from {@code source} (the MQTT bridge) was not acted on: an UNLOCK, a retained or
     * stale command, a malformed payload, a command this door has switched off. {@code repeats}
     * counts the same (topic, reason) ignored without a record of its own since the last one.
     */
    record RemoteIgnored(String source, String topic, String reason, String detail, long repeats)
            implements AuditRecord {}

    /**
     * What happened to the MQTT bridge's connection or its inbound delivery: {@code disconnected}
     * (with why), {@code inbound_degraded} (a probe did not come back: reconnecting), {@code
     * inbound_ok} (delivery proven again), {@code probe_not_permitted}, {@code
     * subscription_refused}. {@code repeats} counts the same event held back since the last record.
     */
    record BridgeEvent(String event, String detail, long repeats) implements AuditRecord {}

    /** SIGTERM arrived; {@code state} is the state name at that moment. */
    record Shutdown(String state) implements AuditRecord {}

    /** The door's loop ended. */
    record Stopped(String state, DoorState door, BoltPosition bolt) implements AuditRecord {}

    /** Refusals counted rather than audited one by one, over the last {@code seconds}. */
    record RefusalsSummary(long seconds, Map<RejectionReason, Long> counts) implements AuditRecord {
        public RefusalsSummary {
            counts =
                    counts.isEmpty()
                            ? Map.of()
                            : Collections.unmodifiableMap(new EnumMap<>(counts));
        }
    }

    /**
     * A revocation list was installed.
     *
     * @param signer empty for an owners' list; else the kid of the (company) key whose own list it
     *     is
     * @param fleet whether it is a fleet list
     */
    record RevocationsInstalled(
            long listSeq, int tokens, int keys, Optional<String> signer, boolean fleet)
            implements AuditRecord {
        public RevocationsInstalled(long listSeq, int tokens, int keys) {
            this(listSeq, tokens, keys, Optional.empty(), false);
        }
    }

    record RevocationsRefused(RejectionReason reason, long installedSeq) implements AuditRecord {}

    /** The trusted issuers were reloaded from the config file. */
    record TrustReloaded(int issuers) implements AuditRecord {}

    /**
     * Records that could not be written (a full or read-only disk) and are lost: written as soon as
     * the log can be written again, so the gap is on record.
     */
    record RecordsLost(long count, Instant from, Instant to) implements AuditRecord {}

    /**
     * An old rotated file is about to be removed to keep the log within {@code [audit] max_size}
     * (one record per file, written before it goes). The first record after it has seq {@code
     * firstSeq}, and {@code anchor} is the hash of its last record: a log that starts there is
     * verified from this anchor.
     */
    record AuditPruned(String removed, long records, long firstSeq, String anchor)
            implements AuditRecord {}

    /**
     * Something in the state directory could not be read; it was kept aside as {@code keptAs},
     * never deleted.
     */
    record StateDamaged(String file, String keptAs, String problem) implements AuditRecord {}

    /**
     * The one-time store dropped {@code dropped} records of tokens that can no longer verify; a
     * once token whose {@code exp + skew} lies at or before {@code horizon} counts as expired from
     * now on, whatever the clock reads, even if the store is lost.
     */
    record OnceCompacted(long dropped, Instant horizon) implements AuditRecord {}

    /**
     * A once token (or statement) used for something other than a grant — a mode change ({@code
     * why} "mode"), a clock reset ("clock_reset") — or a grant's record carried over from an audit
     * file being pruned ("carried"): the audit log keeps remembering, until {@code exp}, every once
     * token the door took, so that a one-time store lost or put back from a backup cannot reopen
     * one.
     */
    record OnceUsed(String kid, String jti, Instant exp, String why) implements AuditRecord {}

    /** An owner key ({@code by}) enrolled the key {@code kid} as {@code name}, with a policy. */
    record IssuerEnrolled(String kid, String name, String by, String policy)
            implements AuditRecord {}

    /** The enrolment of {@code kid} was removed (`latchkey issuer remove`). */
    record IssuerRemoved(String kid, String name) implements AuditRecord {}

    /**
     * An owner vouched for the time (a clock reset statement, {@code kid}/{@code jti}): the time
     * floor went from {@code floorBefore} to {@code floorNow}.
     */
    record ClockReset(String kid, String jti, Instant floorBefore, Instant floorNow)
            implements AuditRecord {}

    /**
     * A visit's receipt was made and signed: its number, the token it is for (kid, jti), how the
     * visit ended, and the SHA-256 of the receipt's text — the log vouches for the receipt, and the
     * receipt (which names the chain's head) for the log.
     */
    record ReceiptIssued(long n, String kid, String jti, String ended, String sha256)
            implements AuditRecord {}

    /**
     * The door key vouches for the chain up to record {@code coversSeq}, whose SHA-256 is {@code
     * head}: {@code signature} is a document (typ "latchkey-checkpoint") the door key signed over
     * both. Whoever rewrites the log before it must forge the door's signature — or hold its key
     * (docs/assurance.md says what that leaves open).
     */
    record Checkpoint(long coversSeq, String head, String signature) implements AuditRecord {}

    /** A record of a type this version does not know (read from a log written by a newer one). */
    record Unrecognised(String type, Map<String, Object> fields) implements AuditRecord {}

    /**
     * The token a grant or refusal is about, as far as it is known. Fields a refusal could not read
     * are empty.
     *
     * @param issuer the trusted issuer's name, when known
     * @param use {@code once} or {@code window}, when known
     * @param exp the token's expiry, when known (absent in records of earlier releases): a once
     *     grant the audit log holds counts as consumed until then, even if the one-time store is
     *     lost
     */
    record TokenRef(
            String kid,
            String jti,
            Optional<String> issuer,
            String sub,
            String role,
            Optional<String> use,
            Optional<Instant> exp) {
        public TokenRef {
            Objects.requireNonNull(kid);
            Objects.requireNonNull(jti);
            Objects.requireNonNull(issuer);
            Objects.requireNonNull(sub);
            Objects.requireNonNull(role);
            Objects.requireNonNull(use);
            Objects.requireNonNull(exp);
        }

        public TokenRef(
                String kid,
                String jti,
                Optional<String> issuer,
                String sub,
                String role,
                Optional<String> use) {
            this(kid, jti, issuer, sub, role, use, Optional.empty());
        }

        /** A verified token: everything is known. */
        public static TokenRef of(VerifiedAccess access) {
            var c = access.claims();
            return new TokenRef(
                    access.kid(),
                    c.tokenId(),
                    Optional.of(access.issuer().name()),
                    c.subject(),
                    c.role().wireName(),
                    Optional.of(c.use().wireName()),
                    Optional.of(c.expires()));
        }

        /**
         * A refused token: what its signature vouches for (nothing when it did not check), never
         * the token.
         */
        public static TokenRef of(TokenRejectedException e) {
            String kid = e.signer().map(TrustedIssuer::kid).orElse("");
            Optional<String> issuer = e.signer().map(TrustedIssuer::name);
            return e.claims()
                    .map(
                            c ->
                                    new TokenRef(
                                            kid,
                                            c.tokenId(),
                                            issuer,
                                            c.subject(),
                                            c.role().wireName(),
                                            Optional.of(c.use().wireName()),
                                            Optional.of(c.expires())))
                    .orElse(new TokenRef(kid, "", issuer, "", "", Optional.empty()));
        }
    }
}
