package org.latchkey.door;

import org.latchkey.door.AuditRecord.TokenRef;
import org.latchkey.door.DoorCommand.Audit;
import org.latchkey.door.DoorCommand.CancelTimer;
import org.latchkey.door.DoorCommand.ConsumeOnce;
import org.latchkey.door.DoorCommand.DriveBolt;
import org.latchkey.door.DoorCommand.Reply;
import org.latchkey.door.DoorCommand.SaveMode;
import org.latchkey.door.DoorCommand.StartTimer;
import org.latchkey.door.DoorCommand.Stop;
import org.latchkey.door.DoorEvent.BoltSettled;
import org.latchkey.door.DoorEvent.CameraReady;
import org.latchkey.door.DoorEvent.ConditionChanged;
import org.latchkey.door.DoorEvent.DoorMoved;
import org.latchkey.door.DoorEvent.GrantRequested;
import org.latchkey.door.DoorEvent.LockRequested;
import org.latchkey.door.DoorEvent.ModeChange;
import org.latchkey.door.DoorEvent.ModeSaved;
import org.latchkey.door.DoorEvent.OnceConsumed;
import org.latchkey.door.DoorEvent.ShutdownRequested;
import org.latchkey.door.DoorEvent.Started;
import org.latchkey.door.DoorEvent.TimerFired;
import org.latchkey.hal.BoltPosition;
import org.latchkey.hal.DoorState;
import org.latchkey.store.OneTimeStore;
import org.latchkey.token.RejectionReason;
import org.latchkey.token.Role;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The door's one pure transition function: (model, event) → (model, commands). No I/O, no clock, no
 * threads: the controller loop executes the commands and feeds back what happens as events. Fail
 * secure: whatever is unexpected ends in driving the bolt to LOCKED as soon as the door is closed.
 */
public final class DoorMachine {
    /** The new model and what to do about it, in order. */
    public record Transition(DoorModel model, List<DoorCommand> commands) {}

    private final DoorSettings settings;

    public DoorMachine(DoorSettings settings) {
        this.settings = settings;
    }

    public Transition apply(DoorModel model, DoorEvent event) {
        Step s = new Step(model);
        switch (model.phase()) {
            case Phase.Stopped x -> {
                if (event instanceof GrantRequested g) {
                    s.refuse(g.grant(), RejectionReason.BUSY, "the door has stopped");
                } else if (event instanceof ModeChange c) {
                    s.cmd(
                            new Reply(
                                    c.requestId(),
                                    Outcome.refused(RejectionReason.BUSY, "the door has stopped")));
                }
            }
            case Phase.Running r -> running(s, event);
        }
        Transition t = s.done();
        return endOfVisit(model, event, t);
    }

    /**
     * A visit is a granted token's time at the door: from the grant until the door no longer holds
     * it (relocking, another grant taking over, a jam, the door left unsecured, a shutdown). Its
     * end is one command, {@link DoorCommand.VisitEnded}, emitted in the transition that lets the
     * grant go — exactly once for every grant answered granted.
     */
    private static Transition endOfVisit(DoorModel before, DoorEvent event, Transition t) {
        Optional<Grant> was = admitted(before.phase());
        if (was.isEmpty()) {
            return t;
        }
        Optional<Grant> now = admitted(t.model().phase());
        if (now.isPresent() && now.get().requestId() == was.get().requestId()) {
            return t;
        }
        String how;
        if (event instanceof DoorEvent.ShutdownRequested || t.model().shuttingDown()) {
            how = "shutdown";
        } else if (now.isPresent()) {
            how = "superseded";
        } else if (event instanceof DoorEvent.LockRequested) {
            how = "remote_lock";
        } else if (t.model().phase() instanceof Phase.Jammed) {
            how = "jammed";
        } else if (t.model().phase() instanceof Phase.Unsecured) {
            how = "unsecured";
        } else {
            how = entered(before.phase()) ? "relocked" : "not_opened";
        }
        List<DoorCommand> commands = new ArrayList<>(t.commands());
        commands.add(new DoorCommand.VisitEnded(was.get(), how));
        return new Transition(t.model(), List.copyOf(commands));
    }

    /** The grant a phase holds that was answered granted (its visit under way), if any. */
    public static Optional<Grant> admitted(Phase p) {
        return switch (p) {
            case Phase.Unlocking u -> Optional.of(u.grant());
            case Phase.Unlocked u -> Optional.of(u.grant());
            case Phase.CameraCheck c -> admitted(c.back());
            case Phase.Consuming c -> admitted(c.back());
            default -> Optional.empty();
        };
    }

    private static boolean entered(Phase p) {
        return switch (p) {
            case Phase.Unlocked u -> u.entered();
            case Phase.CameraCheck c -> entered(c.back());
            case Phase.Consuming c -> entered(c.back());
            default -> false;
        };
    }

    private void running(Step s, DoorEvent event) {
        switch (event) {
            case Started e -> started(s, e);
            case GrantRequested e -> grantRequested(s, e.grant());
            case OnceConsumed e -> onceConsumed(s, e);
            case DoorMoved e -> doorMoved(s, e.state());
            case BoltSettled e -> boltSettled(s, e.position());
            case CameraReady e -> cameraReady(s, e.ready());
            case TimerFired e -> timerFired(s, e.timer());
            case ConditionChanged e -> s.alarm(e.condition().alarm(), e.present());
            case ModeChange e -> modeChange(s, e);
            case ModeSaved e -> modeSaved(s, e);
            case LockRequested e -> lockRequested(s, e.source());
            case ShutdownRequested e -> shutdown(s);
        }
    }

    private void started(Step s, Started e) {
        if (!(s.m.phase() instanceof Phase.Starting)) {
            return; // the loop starts once; a second start means nothing to a running door
        }
        s.m =
                s.m.withDoor(e.door())
                        .withBolt(e.bolt())
                        .withCamera(CameraState.OFF.readyLine(e.cameraReady()));
        s.audit(
                new AuditRecord.Startup(
                        e.door(), e.bolt(), s.m.mode(), Optional.of(e.modeSource())));
        secure(s);
    }

    // ---- grants

    private void grantRequested(Step s, Grant g) {
        if (s.m.shuttingDown()) {
            s.refuse(g, RejectionReason.BUSY, "the door is shutting down");
            return;
        }
        Optional<Outcome> policy = policy(s, g);
        if (policy.isPresent()) {
            s.refuse(g, policy.get().refusal().orElseThrow(), policy.get().detail());
            return;
        }
        Phase.Running back = running(s);
        switch (back) {
            case Phase.Locked l -> beginGrant(s, g, back);
            case Phase.Unlocked u -> beginGrant(s, g, back);
            case Phase.Unsecured u -> beginGrant(s, g, back);
            case Phase.Jammed j -> beginGrant(s, g, back);
            case Phase.Starting x -> s.refuse(g, RejectionReason.BUSY, "the door is starting");
            case Phase.Locking x ->
                    s.refuse(g, RejectionReason.BUSY, "the bolt is moving; try again in a moment");
            case Phase.Unlocking x ->
                    s.refuse(g, RejectionReason.BUSY, "the door is opening for another token");
            case Phase.CameraCheck x ->
                    s.refuse(g, RejectionReason.BUSY, "the door is opening for another token");
            case Phase.Consuming x ->
                    s.refuse(g, RejectionReason.BUSY, "the door is opening for another token");
        }
    }

    private void beginGrant(Step s, Grant g, Phase.Running back) {
        s.cancel(Timer.POST_ROLL);
        s.camera(true);
        if (settings.requireCamera() && !s.m.camera().ready()) {
            s.m = s.m.with(new Phase.CameraCheck(g, back));
            s.start(Timer.CAMERA_READY, settings.cameraReadyWait());
            return;
        }
        afterCamera(s, g, back);
    }

    /**
     * Who the door's mode and the state of its store admit; asked again after the camera, which
     * takes time.
     */
    private static Optional<Outcome> policy(Step s, Grant g) {
        if (g.role() == Role.OWNER) {
            return Optional.empty();
        }
        if (s.m.mode() == Mode.PRIVACY) {
            return Optional.of(
                    Outcome.refused(
                            RejectionReason.MODE_DENIES, "privacy mode admits owner tokens only"));
        }
        if (s.m.alarms().contains(Alarm.STORE_UNAVAILABLE)) {
            return Optional.of(
                    Outcome.refused(
                            RejectionReason.STORE_UNAVAILABLE,
                            "the door cannot write its state (audit log, one-time store), so it"
                                    + " admits owner tokens only"));
        }
        return Optional.empty();
    }

    private void afterCamera(Step s, Grant g, Phase.Running back) {
        Optional<Outcome> policy = policy(s, g);
        if (policy.isPresent()) {
            // The mode or the store changed while the camera was starting: the door decides as of
            // now.
            undoGrant(s, g, back, policy.get().refusal().orElseThrow(), policy.get().detail());
            return;
        }
        if (g.once()) {
            s.m = s.m.with(new Phase.Consuming(g, back));
            s.cmd(new ConsumeOnce(g));
            return;
        }
        admit(s, g, back);
    }

    /** Everything checked: answer granted and open (or keep open) the door. */
    private void admit(Step s, Grant g, Phase.Running back) {
        s.audit(new AuditRecord.Granted(TokenRef.of(g.access())));
        if (back instanceof Phase.Unlocked u && s.m.bolt() == BoltPosition.UNLOCKED) {
            s.cmd(new Reply(g.requestId(), Outcome.granted("already unlocked")));
            s.m =
                    s.m.with(
                            new Phase.Unlocked(
                                    g, u.entered() || s.m.door() == DoorState.OPEN, u.capped()));
            if (s.m.door() == DoorState.CLOSED) {
                s.cancel(Timer.RELOCK_DELAY);
                s.start(Timer.UNLOCK_WAIT, settings.unlockWait());
            }
            return;
        }
        s.cancel(Timer.UNLOCK_WAIT);
        s.cancel(Timer.RELOCK_DELAY);
        s.m = s.m.with(new Phase.Unlocking(g, 1));
        drive(s, BoltPosition.UNLOCKED);
        // The answer goes out after the unlock command: "granted" means the bolt is already on its
        // way.
        s.cmd(new Reply(g.requestId(), Outcome.granted("unlocking")));
    }

    private void onceConsumed(Step s, OnceConsumed e) {
        if (!(s.m.phase() instanceof Phase.Consuming c)
                || c.grant().requestId() != e.grant().requestId()) {
            return; // an answer for a grant the door has already given up (shutdown): nothing moves
            // for it
        }
        if (e.result().isEmpty()) {
            s.alarm(Alarm.STORE_UNAVAILABLE, true);
            undoGrant(
                    s,
                    e.grant(),
                    c.back(),
                    RejectionReason.STORE_UNAVAILABLE,
                    "the one-time store cannot be written, so once tokens are refused");
            return;
        }
        // (a write that worked clears nothing here: StoreHealth clears the alarm once every part of
        // the state directory works again)
        if (e.result().get() == OneTimeStore.Result.ALREADY_USED) {
            undoGrant(
                    s,
                    e.grant(),
                    c.back(),
                    RejectionReason.ALREADY_USED,
                    "this once token was already used");
            return;
        }
        admit(s, e.grant(), c.back());
    }

    /**
     * A grant refused after the camera started: back where it was, the camera off again unless
     * needed. The door may have closed meanwhile, and timers of the phase it returns to fired
     * unheeded: arm its relock afresh.
     */
    private void undoGrant(
            Step s, Grant g, Phase.Running back, RejectionReason reason, String detail) {
        s.refuse(g, reason, detail);
        s.m = s.m.with(back);
        if (back instanceof Phase.Locked && !s.m.alarms().contains(Alarm.DOOR_FORCED_OPEN)) {
            s.camera(false);
        }
        if (s.m.door() == DoorState.CLOSED) {
            armRelock(s);
        }
    }

    // ---- door, bolt, camera

    private void doorMoved(Step s, DoorState d) {
        if (d == s.m.door()) {
            return;
        }
        s.m = s.m.withDoor(d);
        s.audit(new AuditRecord.Door(d));
        if (d == DoorState.OPEN) {
            doorOpened(s);
        } else {
            doorClosed(s);
        }
    }

    private void doorOpened(Step s) {
        s.start(Timer.AJAR, settings.ajarAfter());
        switch (running(s)) {
            case Phase.Locked l -> {
                s.alarm(Alarm.DOOR_FORCED_OPEN, true);
                s.cancel(Timer.POST_ROLL);
                s.camera(true);
                s.m = s.m.with(new Phase.Unsecured());
            }
            case Phase.Locking l -> {
                // Never throw the bolt into an open door: pull it back, lock once the door closes.
                drive(s, BoltPosition.UNLOCKED);
                s.m = s.m.with(new Phase.Unsecured());
            }
            case Phase.Unlocked u -> {
                s.cancel(Timer.UNLOCK_WAIT);
                s.cancel(Timer.RELOCK_DELAY);
                s.m = s.m.with(new Phase.Unlocked(u.grant(), true, u.capped()));
            }
            // The bolt is on its way out or already out; a pending relock waits for the door to
            // close again.
            case Phase.Starting x -> s.cancel(Timer.RELOCK_DELAY);
            case Phase.CameraCheck x -> s.cancel(Timer.RELOCK_DELAY);
            case Phase.Consuming x -> s.cancel(Timer.RELOCK_DELAY);
            case Phase.Unlocking x -> s.cancel(Timer.RELOCK_DELAY);
            case Phase.Unsecured x -> s.cancel(Timer.RELOCK_DELAY);
            case Phase.Jammed x -> s.cancel(Timer.RELOCK_DELAY);
        }
    }

    private void doorClosed(Step s) {
        s.cancel(Timer.AJAR);
        s.alarm(Alarm.DOOR_AJAR, false);
        armRelock(s);
    }

    /** The door is closed: a phase with the bolt out arms its way back to LOCKED. */
    private void armRelock(Step s) {
        switch (running(s)) {
            case Phase.Unlocked u when u.capped() || s.m.shuttingDown() -> lock(s);
            case Phase.Unlocked u when !u.entered() ->
                    s.start(Timer.UNLOCK_WAIT, settings.unlockWait());
            case Phase.Unlocked u -> s.start(Timer.RELOCK_DELAY, settings.relockDelay());
            case Phase.Unsecured u -> s.start(Timer.RELOCK_DELAY, settings.relockDelay());
            case Phase.Jammed j -> s.start(Timer.RELOCK_DELAY, settings.relockDelay());
            // Mid-motion or mid-grant: the phase's own end decides (Unlocking arms the waits when
            // it settles, a grant
            // refused mid-way arms its phase's relock when it goes back).
            case Phase.Starting x -> {}
            case Phase.Locked x -> {}
            case Phase.Locking x -> {}
            case Phase.CameraCheck x -> {}
            case Phase.Consuming x -> {}
            case Phase.Unlocking x -> {}
        }
    }

    private void boltSettled(Step s, BoltPosition p) {
        s.cancel(Timer.MOTION);
        s.m = s.m.withBolt(p);
        switch (running(s)) {
            case Phase.Locking l -> lockingSettled(s, l, p);
            case Phase.Unlocking u -> unlockingSettled(s, u, p);
            case Phase.Locked l when p != BoltPosition.LOCKED -> {
                // Moved by hand (the thumb-turn) or lost: not secured; relock as after an unopened
                // unlock.
                s.audit(new AuditRecord.Bolt(p, true));
                s.m = s.m.with(new Phase.Unsecured());
                if (s.m.door() == DoorState.CLOSED) {
                    s.start(Timer.UNLOCK_WAIT, settings.unlockWait());
                }
            }
            case Phase.Jammed j when p == BoltPosition.LOCKED && s.m.door() == DoorState.CLOSED -> {
                s.audit(new AuditRecord.Bolt(p, true));
                s.m = s.m.with(new Phase.Locked());
                s.alarm(Alarm.LOCK_JAMMED, false);
                stopIfShuttingDown(s);
            }
            case Phase.Unsecured u when p == BoltPosition.UNLOCKED && s.m.shuttingDown() ->
                    secure(s);
            // Nothing was commanded: the bolt's report is recorded, the phase stays.
            case Phase.Locked x -> s.audit(new AuditRecord.Bolt(p, false));
            case Phase.Jammed x -> s.audit(new AuditRecord.Bolt(p, false));
            case Phase.Unsecured x -> s.audit(new AuditRecord.Bolt(p, false));
            case Phase.Starting x -> s.audit(new AuditRecord.Bolt(p, false));
            case Phase.CameraCheck c -> {
                // Waiting for the camera, the bolt was moved by hand: the phase the grant returns
                // to follows it.
                Phase.Running back = c.back();
                if (back instanceof Phase.Locked && p != BoltPosition.LOCKED) {
                    s.audit(new AuditRecord.Bolt(p, true));
                    s.m = s.m.with(new Phase.CameraCheck(c.grant(), new Phase.Unsecured()));
                } else if (back instanceof Phase.Jammed
                        && p == BoltPosition.LOCKED
                        && s.m.door() == DoorState.CLOSED) {
                    s.audit(new AuditRecord.Bolt(p, true));
                    s.m = s.m.with(new Phase.CameraCheck(c.grant(), new Phase.Locked()));
                    s.alarm(Alarm.LOCK_JAMMED, false);
                } else {
                    s.audit(new AuditRecord.Bolt(p, false));
                }
            }
            case Phase.Consuming x -> s.audit(new AuditRecord.Bolt(p, false));
            case Phase.Unlocked x -> s.audit(new AuditRecord.Bolt(p, false));
        }
    }

    private void lockingSettled(Step s, Phase.Locking l, BoltPosition p) {
        if (p == BoltPosition.LOCKED) {
            s.audit(new AuditRecord.Bolt(p, false));
            s.m = s.m.with(new Phase.Locked());
            s.alarm(Alarm.LOCK_JAMMED, false);
            s.alarm(Alarm.DOOR_FORCED_OPEN, false);
            if (s.m.camera().recording()) {
                s.start(Timer.POST_ROLL, settings.cameraPostRoll());
            }
            stopIfShuttingDown(s);
        } else if (l.attempt() <= settings.lockRetries()) {
            s.audit(new AuditRecord.BoltRetry(BoltPosition.LOCKED, p, l.attempt() + 1));
            s.m = s.m.with(new Phase.Locking(l.attempt() + 1));
            drive(s, BoltPosition.LOCKED);
        } else {
            jammed(s, BoltPosition.LOCKED, p);
        }
    }

    private void unlockingSettled(Step s, Phase.Unlocking u, BoltPosition p) {
        if (p == BoltPosition.UNLOCKED) {
            s.audit(new AuditRecord.Bolt(p, false));
            s.m = s.m.with(new Phase.Unlocked(u.grant(), s.m.door() == DoorState.OPEN, false));
            s.start(Timer.MAX_UNLOCKED, settings.maxUnlocked());
            if (s.m.door() == DoorState.CLOSED) {
                s.start(Timer.UNLOCK_WAIT, settings.unlockWait());
            }
            if (s.m.shuttingDown()) {
                secure(s);
            }
        } else if (u.attempt() <= settings.lockRetries()) {
            s.audit(new AuditRecord.BoltRetry(BoltPosition.UNLOCKED, p, u.attempt() + 1));
            s.m = s.m.with(new Phase.Unlocking(u.grant(), u.attempt() + 1));
            drive(s, BoltPosition.UNLOCKED);
        } else {
            jammed(s, BoltPosition.UNLOCKED, p);
        }
    }

    private void jammed(Step s, BoltPosition target, BoltPosition p) {
        s.audit(new AuditRecord.BoltJammed(target, p));
        s.m = s.m.with(new Phase.Jammed());
        s.alarm(Alarm.LOCK_JAMMED, true);
        stopIfShuttingDown(s);
    }

    private void cameraReady(Step s, boolean ready) {
        s.m = s.m.withCamera(s.m.camera().readyLine(ready));
        if (ready) {
            s.alarm(Alarm.CAMERA_FAULT, false);
            if (s.m.phase() instanceof Phase.CameraCheck c) {
                s.cancel(Timer.CAMERA_READY);
                afterCamera(s, c.grant(), c.back());
            }
        } else if (s.m.camera().recording() && settings.requireCamera()) {
            s.alarm(Alarm.CAMERA_FAULT, true);
        }
    }

    // ---- timers

    private void timerFired(Step s, Timer t) {
        Phase p = s.m.phase();
        boolean closed = s.m.door() == DoorState.CLOSED;
        switch (t) {
            case UNLOCK_WAIT -> {
                if (closed && (p instanceof Phase.Unlocked || p instanceof Phase.Unsecured)) {
                    s.audit(
                            new AuditRecord.Relock(
                                    "not opened within "
                                            + settings.unlockWait().toSeconds()
                                            + " s"));
                    lock(s);
                }
            }
            case RELOCK_DELAY -> {
                if (closed
                        && (p instanceof Phase.Unlocked
                                || p instanceof Phase.Unsecured
                                || p instanceof Phase.Jammed)) {
                    lock(s);
                }
            }
            case MAX_UNLOCKED -> {
                switch (running(s)) {
                    case Phase.Unlocked u -> {
                        s.m = s.m.with(capped(u));
                        if (closed) {
                            s.audit(new AuditRecord.Relock("max_unlocked reached"));
                            lock(s);
                        }
                    }
                    // Mid-way through another grant: the cap still holds for the unlocked period it
                    // returns to.
                    case Phase.CameraCheck c when c.back() instanceof Phase.Unlocked u ->
                            s.m = s.m.with(new Phase.CameraCheck(c.grant(), capped(u)));
                    case Phase.Consuming c when c.back() instanceof Phase.Unlocked u ->
                            s.m = s.m.with(new Phase.Consuming(c.grant(), capped(u)));
                    // No unlocked period: nothing to cap.
                    case Phase.CameraCheck x -> {}
                    case Phase.Consuming x -> {}
                    case Phase.Starting x -> {}
                    case Phase.Locked x -> {}
                    case Phase.Locking x -> {}
                    case Phase.Unlocking x -> {}
                    case Phase.Unsecured x -> {}
                    case Phase.Jammed x -> {}
                }
            }
            case AJAR -> {
                if (!closed) {
                    s.alarm(Alarm.DOOR_AJAR, true);
                }
            }
            case CAMERA_READY -> {
                if (p instanceof Phase.CameraCheck c) {
                    s.alarm(Alarm.CAMERA_FAULT, true);
                    undoGrant(
                            s,
                            c.grant(),
                            c.back(),
                            RejectionReason.CAMERA_NOT_READY,
                            "the camera did not confirm within "
                                    + settings.cameraReadyWait().toMillis()
                                    + " ms");
                }
            }
            case POST_ROLL -> {
                if (p instanceof Phase.Locked && s.m.camera().recording()) {
                    s.camera(false);
                }
            }
            case MOTION -> {
                // The bolt never said where it went: not confirmed, so retried and, in the end,
                // JAMMED.
                if (p instanceof Phase.Locking || p instanceof Phase.Unlocking) {
                    boltSettled(s, BoltPosition.UNKNOWN);
                }
            }
        }
    }

    // ---- a remote LOCK

    /**
     * A LOCK from outside (the MQTT bridge) ends any unlocked period: a grant still being checked
     * is refused, the bolt goes to LOCKED now if the door is closed, else the door locks after it
     * closes, as any unsecured door does. It never moves the bolt towards UNLOCKED.
     */
    private void lockRequested(Step s, String source) {
        String outcome;
        if (s.m.phase() instanceof Phase.Starting) {
            outcome = "ignored: the door is starting and locks itself once it has read its sensors";
        } else if (s.m.shuttingDown()) {
            outcome = "ignored: the door is shutting down and locks itself if it is closed";
        } else {
            switch (running(s)) {
                case Phase.CameraCheck c -> {
                    s.cancel(Timer.CAMERA_READY);
                    undoGrant(
                            s,
                            c.grant(),
                            c.back(),
                            RejectionReason.REMOTE_LOCK,
                            "a remote LOCK came first");
                }
                case Phase.Consuming c ->
                        // The store's answer is on its way and will find no grant waiting for it.
                        undoGrant(
                                s,
                                c.grant(),
                                c.back(),
                                RejectionReason.REMOTE_LOCK,
                                "a remote LOCK came first");
                default -> {}
            }
            outcome = secureNow(s);
        }
        s.audit(new AuditRecord.LockRequested(source, outcome));
    }

    /** What a remote LOCK does in a phase with no grant under way; says what it did. */
    private String secureNow(Step s) {
        boolean closed = s.m.door() == DoorState.CLOSED;
        return switch (running(s)) {
            case Phase.Locked l -> "already locked";
            case Phase.Locking l -> "already locking";
            case Phase.Unlocked u when closed -> lockFor(s);
            case Phase.Unlocking u when closed -> lockFor(s);
            case Phase.Unsecured u when closed -> lockFor(s);
            case Phase.Jammed j when closed -> lockFor(s);
            case Phase.Unlocked u -> unsecured(s);
            case Phase.Unlocking u -> unsecured(s);
            case Phase.Unsecured u -> "locks when the door closes";
            case Phase.Jammed j -> "locks when the door closes";
            // Handled by the caller; listed so a new phase must be thought about here.
            case Phase.Starting x -> throw new IllegalStateException("starting");
            case Phase.CameraCheck x -> throw new IllegalStateException("grant under way");
            case Phase.Consuming x -> throw new IllegalStateException("grant under way");
        };
    }

    private String lockFor(Step s) {
        lock(s);
        return "locking";
    }

    /** The door stands open: no grant holds it any more; it locks after it closes. */
    private String unsecured(Step s) {
        s.cancel(Timer.UNLOCK_WAIT);
        s.cancel(Timer.MAX_UNLOCKED);
        s.m = s.m.with(new Phase.Unsecured());
        return "locks when the door closes";
    }

    // ---- mode and shutdown

    /** A mode change is answered only once the mode file has (or has not) taken it. */
    private void modeChange(Step s, ModeChange e) {
        if (e.mode() == s.m.mode()) {
            // Nothing to change or save (whether it is saved, the STORE_UNAVAILABLE alarm says).
            s.cmd(
                    new Reply(
                            e.requestId(),
                            Outcome.granted("already in " + wire(e.mode()) + " mode")));
            return;
        }
        s.cmd(new SaveMode(e.mode(), e.requestId()));
    }

    /**
     * Fail secure when the mode cannot be saved: privacy takes effect anyway, answered as not saved
     * (in effect until a restart, and the upkeep keeps trying to save it); normal is refused and
     * not applied.
     */
    private void modeSaved(Step s, ModeSaved e) {
        if (e.saved() || e.mode() == Mode.PRIVACY) {
            if (e.mode() != s.m.mode()) {
                s.audit(new AuditRecord.ModeChanged(s.m.mode(), e.mode()));
                s.m = s.m.withMode(e.mode());
            }
        }
        if (e.saved()) {
            s.cmd(new Reply(e.requestId(), Outcome.granted("mode " + wire(e.mode()))));
            return;
        }
        s.alarm(Alarm.STORE_UNAVAILABLE, true); // at once, in this step: the door narrows now
        s.cmd(
                new Reply(
                        e.requestId(),
                        Outcome.refused(
                                RejectionReason.STORE_UNAVAILABLE,
                                e.mode() == Mode.PRIVACY
                                        ? "privacy mode is in effect until the door restarts: it"
                                                + " could not be saved (the door keeps trying)"
                                        : "the mode stays "
                                                + wire(s.m.mode())
                                                + ": the change could not be saved")));
    }

    private static String wire(Mode mode) {
        return mode.name().toLowerCase(java.util.Locale.ROOT);
    }

    private void shutdown(Step s) {
        if (s.m.shuttingDown()) {
            return;
        }
        s.m = s.m.beginShutdown();
        s.audit(new AuditRecord.Shutdown(s.m.stateName()));
        switch (running(s)) {
            case Phase.CameraCheck c -> {
                undoGrant(
                        s, c.grant(), c.back(), RejectionReason.BUSY, "the door is shutting down");
                shutdownFrom(s);
            }
            case Phase.Consuming c -> {
                // The store answer is already on its way; whatever it is, lock up instead of
                // opening.
                s.refuse(c.grant(), RejectionReason.BUSY, "the door is shutting down");
                s.m = s.m.with(c.back());
                shutdownFrom(s);
            }
            case Phase.Locking l -> {} // finish the motion; its end stops us
            case Phase.Unlocking u -> {} // finish the motion, then lock if closed
            case Phase.Starting x -> shutdownFrom(s);
            case Phase.Locked x -> shutdownFrom(s);
            case Phase.Unlocked x -> shutdownFrom(s);
            case Phase.Unsecured x -> shutdownFrom(s);
            case Phase.Jammed x -> shutdownFrom(s);
        }
    }

    private void shutdownFrom(Step s) {
        switch (running(s)) {
            case Phase.Locked l -> stop(s);
            case Phase.Jammed j -> stop(s);
            case Phase.Starting x -> lockOrStop(s);
            case Phase.Locking x -> lockOrStop(s);
            case Phase.CameraCheck x -> lockOrStop(s);
            case Phase.Consuming x -> lockOrStop(s);
            case Phase.Unlocking x -> lockOrStop(s);
            case Phase.Unlocked x -> lockOrStop(s);
            case Phase.Unsecured x -> lockOrStop(s);
        }
    }

    private void lockOrStop(Step s) {
        if (s.m.door() == DoorState.CLOSED) {
            lock(s);
        } else {
            stop(s); // cannot lock an open door; it stays unsecured and says so
        }
    }

    private void stopIfShuttingDown(Step s) {
        if (s.m.shuttingDown()) {
            stop(s);
        }
    }

    private void stop(Step s) {
        s.camera(false);
        for (Timer t : Timer.values()) {
            s.cancel(t);
        }
        s.audit(new AuditRecord.Stopped(s.m.stateName(), s.m.door(), s.m.bolt()));
        s.m = s.m.with(new Phase.Stopped());
        s.cmd(new Stop());
    }

    // ---- securing

    /** Lock now if the door is closed, else wait for it to close. */
    private void secure(Step s) {
        if (s.m.door() == DoorState.CLOSED) {
            lock(s);
        } else if (s.m.shuttingDown()) {
            stop(s);
        } else {
            s.m = s.m.with(new Phase.Unsecured());
            s.start(Timer.AJAR, settings.ajarAfter());
        }
    }

    private static Phase.Unlocked capped(Phase.Unlocked u) {
        return new Phase.Unlocked(u.grant(), u.entered(), true);
    }

    /**
     * Every bolt command is watched: no report within the motion timeout counts as a bolt not
     * confirmed.
     */
    private void drive(Step s, BoltPosition target) {
        s.cmd(new DriveBolt(target));
        s.start(Timer.MOTION, settings.motionTimeout());
    }

    private void lock(Step s) {
        s.cancel(Timer.UNLOCK_WAIT);
        s.cancel(Timer.RELOCK_DELAY);
        s.cancel(Timer.MAX_UNLOCKED);
        s.m = s.m.with(new Phase.Locking(1));
        drive(s, BoltPosition.LOCKED);
    }

    /** The phase while the door runs; a step never looks at the phase after it stopped the door. */
    private static Phase.Running running(Step s) {
        if (s.m.phase() instanceof Phase.Running r) {
            return r;
        }
        throw new IllegalStateException("the door has stopped");
    }

    /** The transition under construction. */
    private static final class Step {
        DoorModel m;
        final List<DoorCommand> commands = new ArrayList<>();

        Step(DoorModel m) {
            this.m = m;
        }

        void cmd(DoorCommand c) {
            commands.add(c);
        }

        void audit(AuditRecord r) {
            cmd(new Audit(r));
        }

        void start(Timer t, Duration d) {
            cmd(new StartTimer(t, d));
        }

        void cancel(Timer t) {
            cmd(new CancelTimer(t));
        }

        void camera(boolean on) {
            if (m.camera().recording() != on) {
                m = m.withCamera(m.camera().commanded(on));
                cmd(new DoorCommand.Camera(on));
                audit(new AuditRecord.Camera(on));
            }
        }

        void alarm(Alarm a, boolean raised) {
            if (m.alarms().contains(a) == raised) {
                return;
            }
            Set<Alarm> next =
                    m.alarms().isEmpty() ? EnumSet.noneOf(Alarm.class) : EnumSet.copyOf(m.alarms());
            if (raised) {
                next.add(a);
            } else {
                next.remove(a);
            }
            m = m.withAlarms(next);
            audit(raised ? new AuditRecord.AlarmRaised(a) : new AuditRecord.AlarmCleared(a));
        }

        void refuse(Grant g, RejectionReason reason, String detail) {
            if (g.auditRefusal()) {
                audit(new AuditRecord.Refused(TokenRef.of(g.access()), reason));
            }
            cmd(new Reply(g.requestId(), Outcome.refused(reason, detail)));
        }

        Transition done() {
            return new Transition(m, List.copyOf(commands));
        }
    }
}
