package org.latchkey.assembly;

import org.latchkey.access.AccessGate;
import org.latchkey.access.ClockTrust;
import org.latchkey.access.RateLimiter;
import org.latchkey.access.RejectionSummary;
import org.latchkey.access.TrustReloader;
import org.latchkey.audit.AuditHistory;
import org.latchkey.audit.AuditLog;
import org.latchkey.config.DeviceConfig;
import org.latchkey.door.AuditRecord;
import org.latchkey.door.Condition;
import org.latchkey.door.DoorController;
import org.latchkey.door.DoorEvent;
import org.latchkey.door.Mode;
import org.latchkey.door.StoreHealth;
import org.latchkey.feedback.Answer;
import org.latchkey.feedback.FeedbackPlayer;
import org.latchkey.hal.DoorHardware;
import org.latchkey.hal.Scheduler;
import org.latchkey.identity.DoorKeys;
import org.latchkey.receipt.ReceiptStore;
import org.latchkey.receipt.VisitLog;
import org.latchkey.store.BootTime;
import org.latchkey.store.Damage;
import org.latchkey.store.EnrolmentStore;
import org.latchkey.store.ModeFile;
import org.latchkey.store.OneTimeStore;
import org.latchkey.store.RevocationStore;
import org.latchkey.store.Storage;
import org.latchkey.store.TimeFloor;
import org.latchkey.token.Audience;
import org.latchkey.token.RejectionReason;
import org.tinylog.Logger;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The door's parts wired together from a config and a state directory: the one place that does it,
 * for latchkeyd and for the bench, so the bench runs exactly what the daemon runs — its upkeep
 * included.
 */
public final class DoorAssembly {
    /** Refusals that are not audited one by one are summarised this often. */
    public static final Duration SUMMARY_PERIOD = Duration.ofSeconds(10);

    /**
     * Clock trust, the time floor, one-time store compaction and the state directory's health, this
     * often.
     */
    public static final Duration UPKEEP_PERIOD = Duration.ofSeconds(30);

    /**
     * The clock's trust is looked at this often, so that its alarm follows a step of the clock at
     * once (the status shows trust as the alarm says).
     */
    public static final Duration CLOCK_WATCH_PERIOD = Duration.ofSeconds(1);

    private final DeviceConfig config;
    private final Scheduler scheduler;
    private volatile Consumer<Answer> feedback = answer -> {};
    private volatile Optional<FeedbackPlayer> feedbackPlayer = Optional.empty();
    private final DoorController controller;
    private final AccessGate gate;
    private final OneTimeStore store;
    private final AuditLog audit;
    private final ClockTrust clock;
    private final RejectionSummary summary;
    private final String modeSource;
    private final List<Damage> damage;
    private final StoreHealth health;
    private final ModeFile modeFile;
    private final DoorKeys.Identity identity;
    private final ReceiptStore receipts;
    private final Optional<VisitLog> visits;
    private final Optional<CheckpointWriter> checkpoints;
    private final AtomicBoolean stopped = new AtomicBoolean();

    private DoorAssembly(
            DeviceConfig config,
            Scheduler scheduler,
            DoorController controller,
            AccessGate gate,
            OneTimeStore store,
            AuditLog audit,
            ClockTrust clock,
            RejectionSummary summary,
            String modeSource,
            List<Damage> damage,
            StoreHealth health,
            ModeFile modeFile,
            DoorKeys.Identity identity,
            ReceiptStore receipts,
            Optional<VisitLog> visits,
            Optional<CheckpointWriter> checkpoints) {
        this.checkpoints = checkpoints;
        this.receipts = receipts;
        this.visits = visits;
        this.config = config;
        this.scheduler = scheduler;
        this.controller = controller;
        this.gate = gate;
        this.store = store;
        this.audit = audit;
        this.clock = clock;
        this.summary = summary;
        this.modeSource = modeSource;
        this.damage = damage;
        this.health = health;
        this.modeFile = modeFile;
        this.identity = identity;
    }

    /**
     * Opens the state and wires the door. Nothing in the state directory stops it: what cannot be
     * read or written leaves the door running degraded, with an alarm (see {@link #start}).
     *
     * @param syncFlag the file whose presence says the clock is NTP-synchronised
     * @param clockAssumedSynced count the clock as synchronised anyway (an RTC declared, a
     *     simulated door)
     */
    public static DoorAssembly assemble(
            DeviceConfig config,
            Path state,
            Storage storage,
            Scheduler scheduler,
            InstantSource wall,
            Supplier<BootTime> boot,
            Path syncFlag,
            boolean clockAssumedSynced) {
        OneTimeStore store = OneTimeStore.open(storage, state);
        AuditHistory history = history(state);
        boolean hasHistory =
                history.records()
                        || store.size() > 0
                        || Files.exists(state.resolve(OneTimeStore.FILE));
        TimeFloor floor = TimeFloor.open(storage, state, hasHistory, history.lastSeen());
        DoorKeys.Identity identity =
                DoorKeys.open(config.source(), state, hasHistory, new java.security.SecureRandom());
        List<Damage> restored = reconcile(store, history, config.clock().skew());
        ClockTrust clock =
                new ClockTrust(
                        wall,
                        boot,
                        floor,
                        store::horizon,
                        new ClockTrust.Settings(
                                syncFlag,
                                config.batteryBackedRtc() || clockAssumedSynced,
                                config.clock().skew(),
                                config.clock().maxOffline()));
        ModeFile modeFile = new ModeFile(storage, state);
        Optional<String> persisted = modeFile.load();
        Mode mode =
                persisted
                        .map(m -> m.equals("privacy") ? Mode.PRIVACY : Mode.NORMAL)
                        .orElse(config.door().mode());
        AtomicReference<DoorController> door = new AtomicReference<>();
        StoreHealth health = new StoreHealth();
        health.attach(e -> post(door, e));
        AuditLog audit =
                AuditLog.open(
                        storage,
                        state,
                        AuditLog.Limits.of(config.auditMaxBytes()),
                        wall,
                        new AuditLog.Health() {
                            @Override
                            public void failed(IOException e) {
                                health.failed(StoreHealth.Part.AUDIT_LOG);
                            }

                            @Override
                            public void recovered() {
                                health.ok(StoreHealth.Part.AUDIT_LOG);
                            }
                        });
        DoorController controller =
                new DoorController(
                        config.door(), mode, scheduler, store, modeFile, audit, wall, health);
        door.set(controller);
        ReceiptStore receipts = ReceiptStore.open(storage, state);
        Optional<VisitLog> visits =
                identity.key()
                        .map(
                                key ->
                                        new VisitLog(
                                                storage,
                                                state,
                                                receipts,
                                                key,
                                                config.lockId(),
                                                wall,
                                                controller::record,
                                                i ->
                                                        controller.receiptIssued(
                                                                i.issuerKid(),
                                                                i.receipt().n(),
                                                                i.text())));
        visits.ifPresent(v -> wireVisits(v, controller, audit));
        Optional<CheckpointWriter> checkpoints =
                identity.key()
                        .map(k -> new CheckpointWriter(k, audit, controller, scheduler, wall));
        checkpoints.ifPresent(controller::addObserver);
        EnrolmentStore enrolments = new EnrolmentStore(storage, state);
        TrustReloader trust =
                new TrustReloader(
                        config,
                        new Audience(identity.doorId(), config.lockId()),
                        enrolments,
                        scheduler::elapsed,
                        controller::record);
        RevocationStore revocations =
                RevocationStore.open(storage, state, trust::revocationVerifier);
        trust.attach(revocations::installed);
        RejectionSummary summary = new RejectionSummary();
        AccessGate gate =
                new AccessGate(
                        trust,
                        enrolments,
                        controller,
                        store,
                        revocations,
                        clock,
                        new RateLimiter(config.api().rejectionsPerSecond(), scheduler::elapsed),
                        summary,
                        scheduler::elapsed,
                        config.door().cameraReadyWait().plus(Duration.ofSeconds(10)),
                        health);
        List<Damage> damage = new ArrayList<>(restored);
        identity.damage().ifPresent(damage::add);
        floor.damage().ifPresent(damage::add);
        damage.addAll(store.damage());
        damage.addAll(audit.damage());
        damage.addAll(revocations.damage());
        return new DoorAssembly(
                config,
                scheduler,
                controller,
                gate,
                store,
                audit,
                clock,
                summary,
                persisted.isPresent() ? "persisted" : "config",
                damage,
                health,
                modeFile,
                identity,
                receipts,
                visits,
                checkpoints);
    }

    /** The visit log learns the audit chain's head as it grows, and sees every transition. */
    private static void wireVisits(VisitLog v, DoorController controller, AuditLog audit) {
        audit.head().ifPresent(h -> v.headAt(h.seq(), h.hash()));
        controller.addObserver(
                new DoorController.Observer() {
                    @Override
                    public void onStatus(org.latchkey.door.DoorModel model) {}

                    @Override
                    public void onRecord(AuditRecord record, Optional<String> line) {
                        v.recorded(line);
                    }
                });
        controller.recordVisits(v);
    }

    /** The door's signed visit receipts. */
    public ReceiptStore receipts() {
        return receipts;
    }

    /** The audit log's memory of once grants and compaction; unreadable: assume history. */
    private static AuditHistory history(Path state) {
        try {
            return AuditHistory.read(state);
        } catch (IOException e) {
            Logger.error(
                    "the audit log cannot be read at start ({}): taken as history", e.getMessage());
            return new AuditHistory(true, List.of(), Instant.EPOCH, Instant.EPOCH);
        }
    }

    /**
     * The one-time store may have been lost or put back from a backup: the horizon the audit log
     * recorded comes back, and every once grant it recorded whose token could still be valid counts
     * as used again.
     */
    private static List<Damage> reconcile(OneTimeStore store, AuditHistory history, Duration skew) {
        try {
            store.raiseHorizon(history.horizon());
        } catch (IOException e) {
            Logger.error("once.log: the compaction horizon cannot be written: {}", e.getMessage());
        }
        // Against the horizon, never the floor: an owner's clock reset may lower the floor (one a
        // spoofed clock moved ahead), and a grant passed over here would then verify again.
        int missing = 0;
        int earlier = 0;
        for (AuditHistory.OnceGrant g : history.onceGrants()) {
            if (!g.exp().plus(skew).isAfter(store.horizon())) {
                continue;
            }
            Optional<Instant> until = store.usedUntil(g.kid(), g.jti());
            try {
                if (until.isEmpty()) {
                    missing++;
                    store.consume(g.kid(), g.jti(), g.exp());
                } else if (until.get().isBefore(g.exp())) {
                    earlier++;
                    store.extend(g.kid(), g.jti(), g.exp());
                }
            } catch (IOException e) {
                Logger.error("once.log cannot take back a used token: {}", e.getMessage());
                store.holdInMemory(g.kid(), g.jti(), g.exp());
            }
        }
        List<Damage> found = new ArrayList<>();
        if (missing > 0) {
            found.add(
                    damage(
                            "lacked "
                                    + missing
                                    + " once token(s) the audit log records as used (lost, or put"
                                    + " back from a backup): they count as used again"));
        }
        if (earlier > 0) {
            found.add(
                    damage(
                            "said "
                                    + earlier
                                    + " used once token(s) expire earlier than the audit log"
                                    + " records (edited): the audit log's expiry holds"));
        }
        return found;
    }

    private static Damage damage(String problem) {
        Logger.error("{}: {}", OneTimeStore.FILE, problem);
        return new Damage(OneTimeStore.FILE, "", problem);
    }

    private static void post(AtomicReference<DoorController> door, DoorEvent event) {
        DoorController c = door.get();
        if (c != null) {
            c.post(event);
        }
    }

    /**
     * Attaches the hardware (opened with {@link #controller()} as its listener) and reads the
     * sensors; reports what the state directory could not give (alarms and audit records); starts
     * the upkeep.
     */
    public void start(DoorHardware hardware) {
        start(hardware, scheduler);
    }

    /**
     * As {@link #start(DoorHardware)}, with the lights and buzzer on a scheduler of their own (the
     * daemon's: the upkeep's disk writes never delay a beep).
     */
    public void start(DoorHardware hardware, Scheduler feedbackScheduler) {
        FeedbackPlayer player =
                new FeedbackPlayer(
                        hardware.indicators(),
                        config.hal().feedback().siren(),
                        feedbackScheduler,
                        controller::post);
        controller.addObserver(player);
        feedback = player;
        feedbackPlayer = Optional.of(player);
        // A visit the last run left open: its receipt, "interrupted", before anything new.
        visits.ifPresent(VisitLog::recoverInterrupted);
        controller.start(hardware, modeSource);
        for (Damage d : damage) {
            controller.record(new AuditRecord.StateDamaged(d.file(), d.keptAs(), d.problem()));
        }
        if (!damage.isEmpty()) {
            controller.post(new DoorEvent.ConditionChanged(Condition.STATE_DAMAGED, true));
        }
        if (audit.failing()) {
            health.failed(StoreHealth.Part.AUDIT_LOG);
        }
        gate.checkClock(); // an untrusted clock raises CLOCK_UNTRUSTED from the start
        persistFloor(); // from the first trusted reading on, the floor says where in which boot
        gate.checkRevocationSigner();
        every(SUMMARY_PERIOD, this::summarise);
        every(UPKEEP_PERIOD, this::upkeep);
        every(CLOCK_WATCH_PERIOD, gate::checkClock);
        checkpoints.ifPresent(c -> every(CheckpointWriter.PERIOD, c::write));
    }

    /** Counted refusals of the last period, as one record. */
    private void summarise() {
        Map<RejectionReason, Long> counts = summary.drain();
        if (!counts.isEmpty()) {
            Logger.warn("refused in the last {} s: {}", SUMMARY_PERIOD.toSeconds(), counts);
            controller.record(new AuditRecord.RefusalsSummary(SUMMARY_PERIOD.toSeconds(), counts));
        }
    }

    /**
     * Clock trust and the time floor; compaction against a floor a trusted clock reached; the
     * audit's health.
     */
    private void upkeep() {
        gate.checkClock();
        try {
            Optional<Instant> floor = clock.persistFloor();
            if (floor.isPresent()) {
                int dropped = store.compact(floor.get(), config.clock().skew());
                if (dropped > 0) {
                    Logger.info(
                            "one-time store: dropped {} record(s) of tokens expired before {}",
                            dropped,
                            store.horizon());
                    // The horizon on record too: a lost once.log cannot take it back to the epoch.
                    controller.record(new AuditRecord.OnceCompacted(dropped, store.horizon()));
                }
            }
            health.ok(StoreHealth.Part.TIME_FLOOR);
        } catch (IOException e) {
            Logger.error(
                    "the state directory cannot be written (time floor, one-time store): {}",
                    e.getMessage());
            health.failed(StoreHealth.Part.TIME_FLOOR);
        }
        audit.retry();
        probeFailedParts();
    }

    private void persistFloor() {
        try {
            clock.persistFloor();
        } catch (IOException e) {
            Logger.error("time floor cannot be written: {}", e.getMessage());
            health.failed(StoreHealth.Part.TIME_FLOOR);
        }
    }

    /**
     * Parts that failed and have nothing of their own pending are tried again here, so that a disk
     * that came back clears the alarm even though couriers (refused meanwhile) cannot prove it.
     */
    private void probeFailedParts() {
        Set<StoreHealth.Part> failing = health.failing();
        if (failing.contains(StoreHealth.Part.ONE_TIME_STORE)
                || failing.contains(StoreHealth.Part.REVOCATIONS)) {
            try {
                store.probe();
                health.ok(StoreHealth.Part.ONE_TIME_STORE);
                health.ok(StoreHealth.Part.REVOCATIONS);
            } catch (IOException e) {
                Logger.debug("one-time store still cannot be written: {}", e.getMessage());
            }
        }
        if (failing.contains(StoreHealth.Part.MODE_FILE)) {
            try {
                modeFile.save(controller.model().mode().name().toLowerCase(Locale.ROOT));
                health.ok(StoreHealth.Part.MODE_FILE);
            } catch (IOException e) {
                Logger.debug("the mode still cannot be saved: {}", e.getMessage());
            }
        }
    }

    /** Runs {@code task} every {@code period} on the door's scheduler until {@link #stop()}. */
    private void every(Duration period, Runnable task) {
        scheduler.schedule(
                period,
                () -> {
                    if (stopped.get()) {
                        return;
                    }
                    try {
                        task.run();
                    } catch (RuntimeException e) {
                        Logger.error(e, "periodic task failed");
                    }
                    every(period, task);
                });
    }

    /** A signed checkpoint over the audit chain's head now, if anything was recorded since. */
    public void checkpoint() {
        checkpoints.ifPresent(CheckpointWriter::write);
    }

    /**
     * The lights and buzzer change no more: before the hardware is closed, which turns them off.
     */
    public void stopFeedback() {
        feedbackPlayer.ifPresent(FeedbackPlayer::stop);
    }

    /** Ends the upkeep and persists the floor; the caller stops the door first. */
    public void stop() {
        stopped.set(true);
        checkpoints.ifPresent(CheckpointWriter::write); // the log's last word is signed
        try {
            clock.persistFloor();
        } catch (IOException e) {
            Logger.error("time floor cannot be written: {}", e.getMessage());
        }
        try {
            audit.close();
        } catch (IOException e) {
            Logger.error("audit log close failed: {}", e.getMessage());
        }
    }

    /** What the door knows of its identity. */
    public DoorKeys.Identity identity() {
        return identity;
    }

    /**
     * The door's card, signed now by its door key with the owner's endorsement from beside the
     * config; empty when the door has no key to sign with.
     */
    public Optional<String> card(InstantSource wall) {
        if (identity.key().isEmpty()) {
            return Optional.empty();
        }
        Optional<String> endorsement;
        try {
            endorsement = DoorKeys.readEndorsement(config.source());
        } catch (IOException e) {
            Logger.warn("the door card goes without the owner's endorsement: {}", e.getMessage());
            endorsement = Optional.empty();
        }
        return Optional.of(
                org.latchkey.token.DoorCard.sign(
                        identity.key().get(),
                        config.lockId(),
                        config.zone(),
                        config.fleetId(),
                        endorsement,
                        wall.instant()));
    }

    /**
     * Where a reader hands the answer it got, for the door's lights and buzzer; answers before
     * {@link #start} show nothing.
     */
    public Consumer<Answer> feedback() {
        return answer -> feedback.accept(answer);
    }

    public DoorController controller() {
        return controller;
    }

    public AccessGate gate() {
        return gate;
    }

    public OneTimeStore store() {
        return store;
    }

    public ClockTrust clock() {
        return clock;
    }

    public AuditLog audit() {
        return audit;
    }

    /** Which parts of the state directory fail right now. */
    public StoreHealth health() {
        return health;
    }

    public String modeSource() {
        return modeSource;
    }
}
