package org.latchkey.door;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.latchkey.door.DoorCommand.Audit;
import org.latchkey.door.DoorCommand.Camera;
import org.latchkey.door.DoorCommand.CancelTimer;
import org.latchkey.door.DoorCommand.ConsumeOnce;
import org.latchkey.door.DoorCommand.DriveBolt;
import org.latchkey.door.DoorCommand.Reply;
import org.latchkey.door.DoorCommand.StartTimer;
import org.latchkey.door.DoorCommand.Stop;
import org.latchkey.door.DoorEvent.BoltSettled;
import org.latchkey.door.DoorEvent.CameraReady;
import org.latchkey.door.DoorEvent.ClockTrust;
import org.latchkey.door.DoorEvent.DoorMoved;
import org.latchkey.door.DoorEvent.GrantRequested;
import org.latchkey.door.DoorEvent.ModeChange;
import org.latchkey.door.DoorEvent.OnceConsumed;
import org.latchkey.door.DoorEvent.ShutdownRequested;
import org.latchkey.door.DoorEvent.Started;
import org.latchkey.door.DoorEvent.StoreHealth;
import org.latchkey.door.DoorEvent.TimerFired;
import org.latchkey.hal.BoltPosition;
import org.latchkey.hal.DoorState;
import org.latchkey.store.OneTimeStore;
import org.latchkey.token.RejectionReason;
import org.latchkey.token.Role;

/**
 * The door's one pure transition function: (model, event) → (model, commands). No I/O, no clock, no threads:
 * the controller loop executes the commands and feeds back what happens as events. Fail secure: whatever is
 * unexpected ends in driving the bolt to LOCKED as soon as the door is closed.
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
        if (model.phase() instanceof Phase.Stopped) {
            if (event instanceof GrantRequested g) {
                s.refuse(g.grant(), RejectionReason.BUSY, "the door is shutting down");
            }
            return s.done();
        }
        switch (event) {
            case Started e -> started(s, e);
            case GrantRequested e -> grantRequested(s, e.grant());
            case OnceConsumed e -> onceConsumed(s, e);
            case DoorMoved e -> doorMoved(s, e.state());
            case BoltSettled e -> boltSettled(s, e.position());
            case CameraReady e -> cameraReady(s, e.ready());
            case TimerFired e -> timerFired(s, e.timer());
            case ClockTrust e -> s.alarm(Alarm.CLOCK_UNTRUSTED, !e.trusted());
            case StoreHealth e -> s.alarm(Alarm.STORE_UNAVAILABLE, !e.writable());
            case ModeChange e -> modeChange(s, e.mode());
            case ShutdownRequested e -> shutdown(s);
        }
        return s.done();
    }

    private void started(Step s, Started e) {
        s.m = s.m.withDoor(e.door()).withBolt(e.bolt()).withCamera(false, e.cameraReady());
        s.audit("startup", Map.of("door", e.door().name(), "bolt", e.bolt().name(), "mode", s.m.mode().name()));
        secure(s);
    }

    // ---- grants

    private void grantRequested(Step s, Grant g) {
        if (s.m.shuttingDown()) {
            s.refuse(g, RejectionReason.BUSY, "the door is shutting down");
            return;
        }
        if (s.m.mode() == Mode.PRIVACY && g.role() != Role.OWNER) {
            s.refuse(g, RejectionReason.MODE_DENIES, "privacy mode admits owner tokens only");
            return;
        }
        Phase back = s.m.phase();
        switch (back) {
            case Phase.Locked l -> beginGrant(s, g, back);
            case Phase.Unlocked u -> beginGrant(s, g, back);
            case Phase.Unsecured u -> beginGrant(s, g, back);
            case Phase.Jammed j -> beginGrant(s, g, back);
            case Phase.Starting x -> s.refuse(g, RejectionReason.BUSY, "the door is starting");
            case Phase.Locking x -> s.refuse(g, RejectionReason.BUSY, "the bolt is moving; try again in a moment");
            case Phase.Unlocking x -> s.refuse(g, RejectionReason.BUSY, "the door is opening for another token");
            case Phase.CameraCheck x -> s.refuse(g, RejectionReason.BUSY, "the door is opening for another token");
            case Phase.Consuming x -> s.refuse(g, RejectionReason.BUSY, "the door is opening for another token");
            case Phase.Stopped x -> s.refuse(g, RejectionReason.BUSY, "the door is shutting down");
        }
    }

    private void beginGrant(Step s, Grant g, Phase back) {
        s.cancel(Timer.POST_ROLL);
        s.camera(true);
        if (settings.requireCamera() && !s.m.cameraReady()) {
            s.m = s.m.with(new Phase.CameraCheck(g, back));
            s.start(Timer.CAMERA_READY, settings.cameraReadyWait());
            return;
        }
        afterCamera(s, g, back);
    }

    private void afterCamera(Step s, Grant g, Phase back) {
        if (g.once()) {
            s.m = s.m.with(new Phase.Consuming(g, back));
            s.cmd(new ConsumeOnce(g));
            return;
        }
        admit(s, g, back);
    }

    /** Everything checked: answer granted and open (or keep open) the door. */
    private void admit(Step s, Grant g, Phase back) {
        s.audit("granted", grantFields(g));
        if (back instanceof Phase.Unlocked u && s.m.bolt() == BoltPosition.UNLOCKED) {
            s.cmd(new Reply(g.requestId(), Outcome.granted("already unlocked")));
            s.m = s.m.with(new Phase.Unlocked(g, u.entered() || s.m.door() == DoorState.OPEN));
            if (s.m.door() == DoorState.CLOSED) {
                s.cancel(Timer.RELOCK_DELAY);
                s.start(Timer.UNLOCK_WAIT, settings.unlockWait());
            }
            return;
        }
        s.cancel(Timer.UNLOCK_WAIT);
        s.cancel(Timer.RELOCK_DELAY);
        s.m = s.m.with(new Phase.Unlocking(g, 1)).withMaxUnlockedReached(false);
        s.cmd(new DriveBolt(BoltPosition.UNLOCKED));
        // The answer goes out after the unlock command: "granted" means the bolt is already on its way.
        s.cmd(new Reply(g.requestId(), Outcome.granted("unlocking")));
    }

    private void onceConsumed(Step s, OnceConsumed e) {
        if (!(s.m.phase() instanceof Phase.Consuming c) || c.grant().requestId() != e.grant().requestId()) {
            return;
        }
        if (e.result().isEmpty()) {
            s.alarm(Alarm.STORE_UNAVAILABLE, true);
            undoGrant(s, e.grant(), c.back(), RejectionReason.STORE_UNAVAILABLE,
                    "the one-time store cannot be written, so once tokens are refused");
            return;
        }
        s.alarm(Alarm.STORE_UNAVAILABLE, false);
        if (e.result().get() == OneTimeStore.Result.ALREADY_USED) {
            undoGrant(s, e.grant(), c.back(), RejectionReason.ALREADY_USED, "this once token was already used");
            return;
        }
        admit(s, e.grant(), c.back());
    }

    /** A grant refused after the camera started: back where it was, the camera off again unless needed. */
    private void undoGrant(Step s, Grant g, Phase back, RejectionReason reason, String detail) {
        s.refuse(g, reason, detail);
        s.m = s.m.with(back);
        if (back instanceof Phase.Locked && !s.m.alarms().contains(Alarm.DOOR_FORCED_OPEN)) {
            s.camera(false);
        }
    }

    // ---- door, bolt, camera

    private void doorMoved(Step s, DoorState d) {
        if (d == s.m.door()) {
            return;
        }
        s.m = s.m.withDoor(d);
        s.audit("door", Map.of("state", d.name()));
        if (d == DoorState.OPEN) {
            s.start(Timer.AJAR, settings.ajarAfter());
            switch (s.m.phase()) {
                case Phase.Locked l -> {
                    s.alarm(Alarm.DOOR_FORCED_OPEN, true);
                    s.cancel(Timer.POST_ROLL);
                    s.camera(true);
                    s.m = s.m.with(new Phase.Unsecured());
                }
                case Phase.Locking l -> {
                    // Never throw the bolt into an open door: pull it back, lock once the door closes.
                    s.cmd(new DriveBolt(BoltPosition.UNLOCKED));
                    s.m = s.m.with(new Phase.Unsecured());
                }
                case Phase.Unlocked u -> {
                    s.cancel(Timer.UNLOCK_WAIT);
                    s.cancel(Timer.RELOCK_DELAY);
                    s.m = s.m.with(new Phase.Unlocked(u.grant(), true));
                }
                default -> s.cancel(Timer.RELOCK_DELAY);
            }
            return;
        }
        s.cancel(Timer.AJAR);
        s.alarm(Alarm.DOOR_AJAR, false);
        switch (s.m.phase()) {
            case Phase.Unlocked u when s.m.maxUnlockedReached() || s.m.shuttingDown() -> lock(s);
            case Phase.Unlocked u -> s.start(Timer.RELOCK_DELAY, settings.relockDelay());
            case Phase.Unsecured u -> s.start(Timer.RELOCK_DELAY, settings.relockDelay());
            case Phase.Jammed j -> s.start(Timer.RELOCK_DELAY, settings.relockDelay());
            default -> { }
        }
    }

    private void boltSettled(Step s, BoltPosition p) {
        s.m = s.m.withBolt(p);
        switch (s.m.phase()) {
            case Phase.Locking l -> {
                if (p == BoltPosition.LOCKED) {
                    s.audit("bolt", Map.of("position", p.name()));
                    s.m = s.m.with(new Phase.Locked());
                    s.alarm(Alarm.LOCK_JAMMED, false);
                    s.alarm(Alarm.DOOR_FORCED_OPEN, false);
                    if (s.m.cameraOn()) {
                        s.start(Timer.POST_ROLL, settings.cameraPostRoll());
                    }
                    stopIfShuttingDown(s);
                } else if (l.attempt() <= settings.lockRetries()) {
                    s.audit("bolt_retry", Map.of("target", "LOCKED", "position", p.name(), "attempt", l.attempt() + 1));
                    s.m = s.m.with(new Phase.Locking(l.attempt() + 1));
                    s.cmd(new DriveBolt(BoltPosition.LOCKED));
                } else {
                    jammed(s, "LOCKED", p);
                }
            }
            case Phase.Unlocking u -> {
                if (p == BoltPosition.UNLOCKED) {
                    s.audit("bolt", Map.of("position", p.name()));
                    s.m = s.m.with(new Phase.Unlocked(u.grant(), s.m.door() == DoorState.OPEN));
                    s.start(Timer.MAX_UNLOCKED, settings.maxUnlocked());
                    if (s.m.door() == DoorState.CLOSED) {
                        s.start(Timer.UNLOCK_WAIT, settings.unlockWait());
                    }
                    if (s.m.shuttingDown()) {
                        secure(s);
                    }
                } else if (u.attempt() <= settings.lockRetries()) {
                    s.audit("bolt_retry", Map.of("target", "UNLOCKED", "position", p.name(), "attempt", u.attempt() + 1));
                    s.m = s.m.with(new Phase.Unlocking(u.grant(), u.attempt() + 1));
                    s.cmd(new DriveBolt(BoltPosition.UNLOCKED));
                } else {
                    jammed(s, "UNLOCKED", p);
                }
            }
            case Phase.Locked l when p != BoltPosition.LOCKED -> {
                // Moved by hand (the thumb-turn) or lost: not secured; relock as after an unopened unlock.
                s.audit("bolt", Map.of("position", p.name(), "by", "hand"));
                s.m = s.m.with(new Phase.Unsecured());
                if (s.m.door() == DoorState.CLOSED) {
                    s.start(Timer.UNLOCK_WAIT, settings.unlockWait());
                }
            }
            case Phase.Jammed j when p == BoltPosition.LOCKED && s.m.door() == DoorState.CLOSED -> {
                s.audit("bolt", Map.of("position", p.name(), "by", "hand"));
                s.m = s.m.with(new Phase.Locked());
                s.alarm(Alarm.LOCK_JAMMED, false);
                stopIfShuttingDown(s);
            }
            case Phase.Unsecured u when p == BoltPosition.UNLOCKED && s.m.shuttingDown() -> secure(s);
            default -> s.audit("bolt", Map.of("position", p.name()));
        }
    }

    private void jammed(Step s, String target, BoltPosition p) {
        s.audit("bolt_jammed", Map.of("target", target, "position", p.name()));
        s.m = s.m.with(new Phase.Jammed());
        s.alarm(Alarm.LOCK_JAMMED, true);
        stopIfShuttingDown(s);
    }

    private void cameraReady(Step s, boolean ready) {
        s.m = s.m.withCamera(s.m.cameraOn(), ready);
        if (ready) {
            s.alarm(Alarm.CAMERA_FAULT, false);
            if (s.m.phase() instanceof Phase.CameraCheck c) {
                s.cancel(Timer.CAMERA_READY);
                afterCamera(s, c.grant(), c.back());
            }
        } else if (s.m.cameraOn() && settings.requireCamera()) {
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
                    s.audit("relock", Map.of("why", "not opened within " + settings.unlockWait().toSeconds() + " s"));
                    lock(s);
                }
            }
            case RELOCK_DELAY -> {
                if (closed && (p instanceof Phase.Unlocked || p instanceof Phase.Unsecured || p instanceof Phase.Jammed)) {
                    lock(s);
                }
            }
            case MAX_UNLOCKED -> {
                if (p instanceof Phase.Unlocked) {
                    s.m = s.m.withMaxUnlockedReached(true);
                    if (closed) {
                        s.audit("relock", Map.of("why", "max_unlocked reached"));
                        lock(s);
                    }
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
                    undoGrant(s, c.grant(), c.back(), RejectionReason.CAMERA_NOT_READY,
                            "the camera did not confirm within " + settings.cameraReadyWait().toMillis() + " ms");
                }
            }
            case POST_ROLL -> {
                if (p instanceof Phase.Locked && s.m.cameraOn()) {
                    s.camera(false);
                }
            }
        }
    }

    // ---- mode and shutdown

    private void modeChange(Step s, Mode mode) {
        if (mode != s.m.mode()) {
            s.audit("mode", Map.of("from", s.m.mode().name(), "to", mode.name()));
            s.m = s.m.withMode(mode);
        }
    }

    private void shutdown(Step s) {
        if (s.m.shuttingDown()) {
            return;
        }
        s.m = s.m.beginShutdown();
        s.audit("shutdown", Map.of("state", s.m.stateName()));
        switch (s.m.phase()) {
            case Phase.CameraCheck c -> {
                undoGrant(s, c.grant(), c.back(), RejectionReason.BUSY, "the door is shutting down");
                shutdownFrom(s);
            }
            case Phase.Consuming c -> {
                // The store answer is already on its way; whatever it is, lock up instead of opening.
                s.refuse(c.grant(), RejectionReason.BUSY, "the door is shutting down");
                s.m = s.m.with(c.back());
                shutdownFrom(s);
            }
            case Phase.Locking l -> { } // finish the motion; its end stops us
            case Phase.Unlocking u -> { } // finish the motion, then lock if closed
            default -> shutdownFrom(s);
        }
    }

    private void shutdownFrom(Step s) {
        switch (s.m.phase()) {
            case Phase.Locked l -> stop(s);
            case Phase.Jammed j -> stop(s);
            default -> {
                if (s.m.door() == DoorState.CLOSED) {
                    lock(s);
                } else {
                    stop(s); // cannot lock an open door; it stays unsecured and says so
                }
            }
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
        s.audit("stopped", Map.of("state", s.m.stateName(), "door", s.m.door().name(), "bolt", s.m.bolt().name()));
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

    private void lock(Step s) {
        s.cancel(Timer.UNLOCK_WAIT);
        s.cancel(Timer.RELOCK_DELAY);
        s.cancel(Timer.MAX_UNLOCKED);
        s.m = s.m.with(new Phase.Locking(1)).withMaxUnlockedReached(false);
        s.cmd(new DriveBolt(BoltPosition.LOCKED));
    }

    static Map<String, Object> grantFields(Grant g) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("kid", g.access().kid());
        f.put("jti", g.access().claims().tokenId());
        f.put("issuer", g.access().issuer().name());
        f.put("sub", g.access().claims().subject());
        f.put("role", g.role().wireName());
        f.put("use", g.access().claims().use().wireName());
        return f;
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

        void audit(String type, Map<String, Object> fields) {
            cmd(new Audit(type, fields));
        }

        void start(Timer t, java.time.Duration d) {
            cmd(new StartTimer(t, d));
        }

        void cancel(Timer t) {
            cmd(new CancelTimer(t));
        }

        void camera(boolean on) {
            if (m.cameraOn() != on) {
                m = m.withCamera(on, on && m.cameraReady());
                cmd(new Camera(on));
                audit("camera", Map.of("recording", on));
            }
        }

        void alarm(Alarm a, boolean raised) {
            if (m.alarms().contains(a) == raised) {
                return;
            }
            Set<Alarm> next = m.alarms().isEmpty() ? EnumSet.noneOf(Alarm.class) : EnumSet.copyOf(m.alarms());
            if (raised) {
                next.add(a);
            } else {
                next.remove(a);
            }
            m = m.withAlarms(next);
            audit(raised ? "alarm_raised" : "alarm_cleared", Map.of("alarm", a.name()));
        }

        void refuse(Grant g, RejectionReason reason, String detail) {
            Map<String, Object> f = grantFields(g);
            f.put("reason", reason.name());
            audit("refused", f);
            cmd(new Reply(g.requestId(), Outcome.refused(reason, detail)));
        }

        Transition done() {
            return new Transition(m, List.copyOf(commands));
        }
    }
}
