package org.latchkey.access;

import org.latchkey.config.ConfigException;
import org.latchkey.config.DeviceConfig;
import org.latchkey.config.DeviceConfigLoader;
import org.latchkey.door.AuditRecord;
import org.latchkey.store.EnrolmentStore;
import org.latchkey.store.PathSafety;
import org.latchkey.token.AccessTokenVerifier;
import org.latchkey.token.Audience;
import org.latchkey.token.ClockResetVerifier;
import org.latchkey.token.EnrolmentVerifier;
import org.latchkey.token.RevocationListVerifier;
import org.latchkey.token.RevocationLists;
import org.latchkey.token.TrustStore;
import org.latchkey.token.TrustedIssuer;
import org.tinylog.Logger;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Picks up `latchkey issuer add|remove` without a restart: when the config file changes (checked at
 * most once a second, on use), the trusted issuers are reloaded. A file that does not load keeps
 * the trust in force. Other settings (lock id, timers, hardware) take a restart.
 */
public final class TrustReloader {
    private static final Duration CHECK_EVERY = Duration.ofSeconds(1);

    private final Path file;
    private final Supplier<Duration> monotonic;
    private final Consumer<AuditRecord> audit;
    private volatile DeviceConfig config;
    private volatile AccessTokenVerifier verifier;
    private volatile RevocationListVerifier revocationVerifier;
    private volatile ClockResetVerifier clockResetVerifier;
    private volatile EnrolmentVerifier enrolmentVerifier;
    private volatile EnrolmentVerifier.Extended keys;
    private final EnrolmentStore enrolments;
    private long enrolmentsSeen;
    private volatile Supplier<RevocationLists> revocations = () -> RevocationLists.NONE;
    private FileTime seen;
    private Duration lastCheck = Duration.ofDays(-1);

    private final Audience audience;

    /**
     * @param audience who tokens and documents must be addressed to: this door's id
     */
    public TrustReloader(
            DeviceConfig config,
            Audience audience,
            EnrolmentStore enrolments,
            Supplier<Duration> monotonic,
            Consumer<AuditRecord> audit) {
        this.audience = audience;
        this.enrolments = enrolments;
        this.enrolmentsSeen = enrolments.version();
        // The file the door started with, links resolved: a link swapped later changes nothing.
        this.file = realPath(config.source());
        this.monotonic = monotonic;
        this.audit = audit;
        this.seen = modified();
        install(config);
    }

    public AccessTokenVerifier verifier() {
        check();
        return verifier;
    }

    public RevocationListVerifier revocationVerifier() {
        check();
        return revocationVerifier;
    }

    public ClockResetVerifier clockResetVerifier() {
        check();
        return clockResetVerifier;
    }

    public EnrolmentVerifier enrolmentVerifier() {
        check();
        return enrolmentVerifier;
    }

    /** The keys in force: the config's and the enrolled ones, with those set aside. */
    public EnrolmentVerifier.Extended keys() {
        check();
        return keys;
    }

    /**
     * The installed revocation lists, once the door has read them: a revoked key enrols nobody, and
     * the keys it enrolled are no longer trusted.
     */
    public void attach(Supplier<RevocationLists> installed) {
        revocations = installed;
        enrolmentsChanged();
    }

    /**
     * After an enrolment was kept or forgotten, or a revocation list installed: the trust is built
     * again now.
     */
    public synchronized void enrolmentsChanged() {
        enrolmentsSeen = enrolments.version();
        install(latest);
    }

    private synchronized void check() {
        Duration now = monotonic.get();
        if (now.minus(lastCheck).compareTo(CHECK_EVERY) < 0) {
            return;
        }
        lastCheck = now;
        if (enrolments.version() != enrolmentsSeen) {
            enrolmentsChanged();
        }
        FileTime m = modified();
        if (m == null || m.equals(seen)) {
            return;
        }
        seen = m;
        try {
            Optional<String> unsafe = PathSafety.problem(file);
            if (unsafe.isPresent()) {
                Logger.error(
                        "{} is no longer safe to trust; the trusted issuers stay as they were: {}",
                        file,
                        unsafe.get());
                return;
            }
        } catch (IOException e) {
            Logger.error(
                    "{} cannot be checked; the trusted issuers stay as they were: {}",
                    file,
                    e.getMessage());
            return;
        }
        try {
            DeviceConfig next = DeviceConfigLoader.load(file);
            if (!next.lockId().equals(config.lockId())
                    || !next.fleetId().equals(config.fleetId())
                    || !next.clock().equals(config.clock())
                    || !next.zone().equals(config.zone())) {
                Logger.warn(
                        "{} changed lock_id, fleet_id, clock or timezone: restart latchkeyd to"
                                + " apply those",
                        file);
            }
            install(next);
            Logger.info(
                    "trusted issuers reloaded from {}: {}",
                    file,
                    next.trustStore().issuers().size());
            audit.accept(new AuditRecord.TrustReloaded(next.trustStore().issuers().size()));
        } catch (ConfigException e) {
            Logger.error(
                    "{} no longer loads; the trusted issuers stay as they were: {}",
                    file,
                    e.getMessage());
        }
    }

    private void install(DeviceConfig c) {
        // Lock id, clock rules and zone stay as started: only the trust store follows the file.
        DeviceConfig base = config == null ? c : config;
        config = base;
        latest = c;
        TrustStore configTrust = withoutTheDoorsOwnKey(c.trustStore());
        List<String> unreadable = new ArrayList<>();
        List<String> kept;
        try {
            kept = enrolments.texts(unreadable);
        } catch (IOException e) {
            kept = List.of();
            unreadable.add("cannot be read: " + e.getMessage());
        }
        EnrolmentVerifier.Extended extended =
                EnrolmentVerifier.extend(configTrust, kept, audience, revocations.get());
        unreadable.addAll(extended.setAside());
        unreadable.forEach(
                why ->
                        Logger.error(
                                "an enrolled key is not trusted ({}): {}",
                                EnrolmentStore.DIR,
                                why));
        keys = extended;
        TrustStore all = extended.trust();
        verifier = new AccessTokenVerifier(audience, all, base.clock(), base.zone());
        revocationVerifier =
                new RevocationListVerifier(audience, base.fleetId(), all, extended.enrolledKids());
        clockResetVerifier = new ClockResetVerifier(audience, all, base.clock().skew());
        enrolmentVerifier = new EnrolmentVerifier(audience, all, base.clock().skew());
    }

    /** The config file as last loaded: its issuers are in force. */
    private volatile DeviceConfig latest;

    /**
     * The door key speaks for the door and never grants anything: an issuer with it (a config
     * edited by hand; `issuer add` refuses it) is left out, and said so.
     */
    private TrustStore withoutTheDoorsOwnKey(TrustStore trust) {
        if (audience.doorId().isEmpty()) {
            return trust;
        }
        List<TrustedIssuer> kept = new ArrayList<>();
        for (TrustedIssuer i : trust.issuers()) {
            if (i.kid().equals(audience.doorId().get())) {
                Logger.error(
                        "{}: issuer '{}' is this door's own key, which never grants access: left"
                                + " out",
                        file,
                        i.name());
            } else {
                kept.add(i);
            }
        }
        return kept.size() == trust.issuers().size() ? trust : TrustStore.of(kept);
    }

    private static Path realPath(Path p) {
        try {
            return p.toRealPath();
        } catch (IOException e) {
            return p.toAbsolutePath();
        }
    }

    private FileTime modified() {
        try {
            return Files.getLastModifiedTime(file);
        } catch (IOException e) {
            return null;
        }
    }
}
