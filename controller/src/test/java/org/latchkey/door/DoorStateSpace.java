package org.latchkey.door;

import org.latchkey.door.DoorCommand.CancelTimer;
import org.latchkey.door.DoorCommand.ConsumeOnce;
import org.latchkey.door.DoorCommand.DriveBolt;
import org.latchkey.door.DoorCommand.Reply;
import org.latchkey.door.DoorCommand.SaveMode;
import org.latchkey.door.DoorCommand.StartTimer;
import org.latchkey.door.DoorCommand.Stop;
import org.latchkey.hal.BoltPosition;
import org.latchkey.hal.DoorState;
import org.latchkey.store.OneTimeStore;
import org.latchkey.token.Role;
import org.latchkey.token.VerifiedAccess;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiFunction;

/**
 * Every state the door can reach, explored breadth-first: a state is the model and the set of armed
 * timers; from each, every event the world can send (grants of each role and use, the door, the
 * bolt, the camera, each armed timer firing, conditions, modes, shutdown), and for each command
 * whose answer the loop feeds straight back (the one-time store, the mode file) every answer it can
 * give. The door's promises are checked on every transition; a violation comes back with the
 * shortest event sequence that reaches it.
 */
final class DoorStateSpace {
    /** The door's promises, each checked on every transition (or, for liveness, on every state). */
    enum Invariant {
        BOLT_INTO_OPEN_DOOR("the bolt is never commanded to LOCKED while the door is OPEN"),
        ONCE_CONSUMED_FIRST(
                "a once grant is consumed (and the store said CONSUMED) before its unlock or its"
                        + " granted answer"),
        ONE_REPLY("every GrantRequested and every ModeChange gets exactly one Reply"),
        GRANTED_AFTER_UNLOCK(
                "a granted answer follows an unlock command of the same unlocked period"),
        PRIVACY("no non-owner grant unlocks in PRIVACY mode"),
        CAMERA("no grant unlocks while the camera is required and not confirmed"),
        LOCKED_CONFIRMED("the state reads LOCKED only when the bolt has confirmed LOCKED"),
        JAMMED_AFTER_RETRIES(
                "after the first attempt and lock_retries retries, all unconfirmed, the state is"
                        + " JAMMED"),
        RELOCK_ARMED(
                "bolt unlocked and door closed (outside JAMMED and STOPPED): a relock timer or a"
                        + " motion is armed"),
        MAX_UNLOCKED_ARMED(
                "an unlocked period not yet capped has its max_unlocked timer armed: no token holds"
                        + " the door open past it"),
        STOPPED_ARMS_NOTHING("STOPPED arms no timer"),
        MODE_SAVED_FIRST(
                "a mode change is answered granted only once the mode file took it, and a switch"
                        + " to normal that could not be saved leaves the mode as it was"),
        REMOTE_LOCK_SECURES(
                "a remote LOCK never moves the bolt towards UNLOCKED, and with the door closed"
                        + " (started, not shutting down) it leaves the door LOCKED or LOCKING"),
        VISIT_ENDS_ONCE(
                "a grant answered granted is held until one visit end names it, in the transition"
                        + " that lets it go: every grant gets exactly one receipt"),
        LIVENESS("closing the door and firing the pending timers reaches LOCKED or JAMMED");

        final String promise;

        Invariant(String promise) {
            this.promise = promise;
        }
    }

    /** What the explorer keeps per state. */
    record State(DoorModel model, Set<Timer> armed) {}

    /** One application of the machine inside a macro step. */
    record SubStep(
            DoorModel before, DoorEvent event, List<DoorCommand> commands, DoorModel after) {}

    /** An invariant that does not hold, and how to get there from a start. */
    record Violation(Invariant invariant, String detail, List<String> path) {
        @Override
        public String toString() {
            return invariant
                    + " ("
                    + invariant.promise
                    + "): "
                    + detail
                    + "\n  shortest path:\n    "
                    + String.join("\n    ", path);
        }
    }

    /** The explored graph's size and what went wrong, if anything. */
    record Result(int states, long transitions, int depth, Optional<Violation> violation) {}

    private static final long HELD = 1;
    private static final long FRESH = 2;
    private static final long MODE_REQUEST = 3;

    private final BiFunction<DoorModel, DoorEvent, DoorMachine.Transition> machine;
    private final DoorSettings settings;
    private final List<VerifiedAccess> grants;
    private final int maxStates;

    private final Map<State, Integer> ids = new HashMap<>();
    private final List<State> states = new ArrayList<>();
    private final List<Integer> parent = new ArrayList<>();
    private final List<String> via = new ArrayList<>();
    private final List<Integer> depthOf = new ArrayList<>();

    /** Liveness: restricted edges, for a bolt that answers and for one that never does. */
    private final Map<Integer, List<Integer>> cooperating = new HashMap<>();

    private final Map<Integer, List<Integer>> silent = new HashMap<>();
    private long transitions;

    /**
     * @param machine the transition function to check (the real one, or a deliberately broken
     *     variant)
     * @param settings the settings the promises are checked against
     * @param grants the tokens presented: each role and use
     */
    DoorStateSpace(
            BiFunction<DoorModel, DoorEvent, DoorMachine.Transition> machine,
            DoorSettings settings,
            List<VerifiedAccess> grants,
            int maxStates) {
        this.machine = machine;
        this.settings = settings;
        this.grants = grants;
        this.maxStates = maxStates;
    }

    Result explore() {
        ArrayDeque<Integer> frontier = new ArrayDeque<>();
        for (Mode mode : Mode.values()) {
            int id =
                    add(
                            new State(DoorModel.initial(mode), Set.of()),
                            -1,
                            "start in " + mode + " mode",
                            0);
            frontier.add(id);
        }
        int maxDepth = 0;
        while (!frontier.isEmpty()) {
            int id = frontier.poll();
            State s = states.get(id);
            for (DoorEvent e : events(s)) {
                for (Macro m : macro(s, e)) {
                    transitions++;
                    Optional<String> broken = Optional.empty();
                    Invariant which = null;
                    for (Map.Entry<Invariant, Optional<String>> check :
                            checks(s, e, m).entrySet()) {
                        if (check.getValue().isPresent()) {
                            which = check.getKey();
                            broken = check.getValue();
                            break;
                        }
                    }
                    if (broken.isPresent()) {
                        List<String> path = path(id);
                        path.add(
                                describe(e)
                                        + "  →  "
                                        + m.to().model().stateName()
                                        + " "
                                        + m.commands());
                        return new Result(
                                states.size(),
                                transitions,
                                maxDepth,
                                Optional.of(new Violation(which, broken.get(), path)));
                    }
                    Integer known = ids.get(m.to());
                    int to =
                            known != null
                                    ? known
                                    : add(
                                            m.to(),
                                            id,
                                            describe(e) + " " + m.choices(),
                                            depthOf.get(id) + 1);
                    if (known == null) {
                        frontier.add(to);
                        maxDepth = Math.max(maxDepth, depthOf.get(to));
                        if (states.size() > maxStates) {
                            throw new IllegalStateException(
                                    "more than " + maxStates + " states: raise the bound");
                        }
                    }
                    restrictedEdge(s, e, id, to);
                }
            }
        }
        return new Result(states.size(), transitions, maxDepth, liveness());
    }

    private int add(State s, int from, String how, int depth) {
        int id = states.size();
        states.add(s);
        ids.put(s, id);
        parent.add(from);
        via.add(how);
        depthOf.add(depth);
        return id;
    }

    private List<String> path(int id) {
        List<String> steps = new ArrayList<>();
        for (int at = id; at >= 0; at = parent.get(at)) {
            steps.add(
                    via.get(at)
                            + "  →  "
                            + states.get(at).model().stateName()
                            + " door="
                            + states.get(at).model().door()
                            + " bolt="
                            + states.get(at).model().bolt()
                            + " camera="
                            + states.get(at).model().camera()
                            + " mode="
                            + states.get(at).model().mode()
                            + " alarms="
                            + states.get(at).model().alarms()
                            + " armed="
                            + states.get(at).armed());
        }
        Collections.reverse(steps);
        return steps;
    }

    // ---- the world's events

    private List<DoorEvent> events(State s) {
        DoorModel m = s.model();
        List<DoorEvent> out = new ArrayList<>();
        if (m.phase() instanceof Phase.Starting) {
            // Every start: door open or closed, bolt locked, unlocked or unknown, camera ready or
            // not (the mode is the
            // initial state's). Hardware events may be queued before it, so the rest follows too.
            for (DoorState door : DoorState.values()) {
                for (BoltPosition bolt :
                        List.of(BoltPosition.LOCKED, BoltPosition.UNLOCKED, BoltPosition.UNKNOWN)) {
                    for (boolean ready : new boolean[] {false, true}) {
                        out.add(new DoorEvent.Started(door, bolt, ready, "config"));
                    }
                }
            }
        }
        for (VerifiedAccess a : grants) {
            out.add(new DoorEvent.GrantRequested(new Grant(FRESH, a, true)));
        }
        out.add(
                new DoorEvent.DoorMoved(
                        m.door() == DoorState.OPEN ? DoorState.CLOSED : DoorState.OPEN));
        for (BoltPosition p :
                List.of(BoltPosition.LOCKED, BoltPosition.UNLOCKED, BoltPosition.UNKNOWN)) {
            out.add(new DoorEvent.BoltSettled(p));
        }
        out.add(new DoorEvent.CameraReady(!m.camera().ready()));
        for (Timer t : s.armed()) {
            out.add(new DoorEvent.TimerFired(t));
        }
        for (Condition c : Condition.values()) {
            out.add(new DoorEvent.ConditionChanged(c, !m.alarms().contains(c.alarm())));
        }
        out.add(
                new DoorEvent.ModeChange(
                        m.mode() == Mode.NORMAL ? Mode.PRIVACY : Mode.NORMAL, MODE_REQUEST));
        out.add(new DoorEvent.LockRequested("mqtt"));
        if (!m.shuttingDown()) {
            out.add(new DoorEvent.ShutdownRequested());
        }
        return out;
    }

    // ---- one event, as the controller handles it: commands whose answers come straight back,
    // answered every way

    /**
     * The result of one event: every sub-step, the commands in order, the state it ends in, the
     * answers chosen.
     */
    record Macro(List<SubStep> steps, List<DoorCommand> commands, State to, String choices) {}

    private List<Macro> macro(State s, DoorEvent e) {
        List<Macro> out = new ArrayList<>();
        Set<Timer> armed = EnumSet.noneOf(Timer.class);
        armed.addAll(s.armed());
        if (e instanceof DoorEvent.TimerFired t) {
            armed.remove(t.timer());
        }
        expand(s.model(), new ArrayDeque<>(List.of(e)), armed, new ArrayList<>(), "", out);
        return out;
    }

    private void expand(
            DoorModel model,
            ArrayDeque<DoorEvent> queue,
            Set<Timer> armed,
            List<SubStep> steps,
            String choices,
            List<Macro> out) {
        if (queue.isEmpty()) {
            List<DoorCommand> all = new ArrayList<>();
            steps.forEach(st -> all.addAll(st.commands()));
            out.add(
                    new Macro(
                            List.copyOf(steps),
                            all,
                            new State(normalise(model), Set.copyOf(armed)),
                            choices));
            return;
        }
        DoorEvent e = queue.poll();
        DoorMachine.Transition t = machine.apply(model, e);
        Set<Timer> nowArmed = EnumSet.noneOf(Timer.class);
        nowArmed.addAll(armed);
        List<List<DoorEvent>> answers = new ArrayList<>(List.of(List.of()));
        List<String> labels = new ArrayList<>(List.of(""));
        for (DoorCommand c : t.commands()) {
            switch (c) {
                case StartTimer st -> nowArmed.add(st.timer());
                case CancelTimer ct -> nowArmed.remove(ct.timer());
                case Stop x -> nowArmed.clear();
                case ConsumeOnce co -> {
                    answers =
                            List.of(
                                    List.of(
                                            new DoorEvent.OnceConsumed(
                                                    co.grant(),
                                                    Optional.of(OneTimeStore.Result.CONSUMED))),
                                    List.of(
                                            new DoorEvent.OnceConsumed(
                                                    co.grant(),
                                                    Optional.of(OneTimeStore.Result.ALREADY_USED))),
                                    List.of(
                                            new DoorEvent.OnceConsumed(
                                                    co.grant(), Optional.empty())));
                    labels =
                            List.of(
                                    "[store: CONSUMED]",
                                    "[store: ALREADY_USED]",
                                    "[store: cannot write]");
                }
                case SaveMode x -> {
                    answers =
                            List.of(
                                    List.of(new DoorEvent.ModeSaved(x.mode(), x.requestId(), true)),
                                    List.of(
                                            new DoorEvent.ModeSaved(
                                                    x.mode(), x.requestId(), false)));
                    labels = List.of("", "[mode file: cannot write]");
                }
                default -> {}
            }
        }
        List<SubStep> next = new ArrayList<>(steps);
        next.add(new SubStep(model, e, t.commands(), t.model()));
        for (int i = 0; i < answers.size(); i++) {
            ArrayDeque<DoorEvent> q = new ArrayDeque<>(answers.get(i));
            q.addAll(queue);
            expand(t.model(), q, nowArmed, next, choices + labels.get(i), out);
        }
    }

    /**
     * The grant a phase holds goes by one request id, so equal doors compare equal whatever came
     * before.
     */
    private static DoorModel normalise(DoorModel m) {
        Phase p = normalise(m.phase());
        return p == m.phase() ? m : m.with(p);
    }

    private static Phase normalise(Phase p) {
        return switch (p) {
            case Phase.CameraCheck c ->
                    new Phase.CameraCheck(held(c.grant()), (Phase.Running) normalise(c.back()));
            case Phase.Consuming c ->
                    new Phase.Consuming(held(c.grant()), (Phase.Running) normalise(c.back()));
            case Phase.Unlocking u -> new Phase.Unlocking(held(u.grant()), u.attempt());
            case Phase.Unlocked u -> new Phase.Unlocked(held(u.grant()), u.entered(), u.capped());
            default -> p;
        };
    }

    private static Grant held(Grant g) {
        return g.requestId() == HELD ? g : new Grant(HELD, g.access(), g.auditRefusal());
    }

    // ---- the promises on one transition

    private Map<Invariant, Optional<String>> checks(State s, DoorEvent e, Macro m) {
        Map<Invariant, Optional<String>> out = new LinkedHashMap<>();
        out.put(Invariant.BOLT_INTO_OPEN_DOOR, boltIntoOpenDoor(m));
        out.put(Invariant.ONCE_CONSUMED_FIRST, onceConsumedFirst(s, e, m));
        out.put(Invariant.ONE_REPLY, oneReply(s, e, m));
        out.put(Invariant.GRANTED_AFTER_UNLOCK, grantedAfterUnlock(m));
        out.put(Invariant.PRIVACY, privacy(s, e, m));
        out.put(Invariant.CAMERA, camera(s, e, m));
        out.put(Invariant.LOCKED_CONFIRMED, lockedConfirmed(m));
        out.put(Invariant.JAMMED_AFTER_RETRIES, jammedAfterRetries(m));
        out.put(Invariant.RELOCK_ARMED, relockArmed(m.to()));
        out.put(Invariant.MAX_UNLOCKED_ARMED, maxUnlockedArmed(m.to()));
        out.put(Invariant.REMOTE_LOCK_SECURES, remoteLockSecures(s, e, m));
        out.put(Invariant.MODE_SAVED_FIRST, modeSavedFirst(s, e, m));
        out.put(Invariant.VISIT_ENDS_ONCE, visitEndsOnce(m));
        out.put(
                Invariant.STOPPED_ARMS_NOTHING,
                m.to().model().phase() instanceof Phase.Stopped && !m.to().armed().isEmpty()
                        ? Optional.of("armed " + m.to().armed())
                        : Optional.empty());
        return out;
    }

    private static Optional<String> visitEndsOnce(Macro m) {
        for (SubStep st : m.steps()) {
            Optional<Grant> was = DoorMachine.admitted(st.before().phase());
            Optional<Grant> now = DoorMachine.admitted(st.after().phase());
            List<DoorCommand.VisitEnded> ends =
                    st.commands().stream()
                            .filter(c -> c instanceof DoorCommand.VisitEnded)
                            .map(c -> (DoorCommand.VisitEnded) c)
                            .toList();
            boolean released =
                    was.isPresent()
                            && (now.isEmpty() || now.get().requestId() != was.get().requestId());
            if (released && ends.size() != 1) {
                return Optional.of(
                        "grant "
                                + was.get().requestId()
                                + " let go with "
                                + ends.size()
                                + " visit ends on "
                                + st.event());
            }
            if (!released && !ends.isEmpty()) {
                return Optional.of("a visit end for a grant still held, or none, on " + st.event());
            }
            if (released && ends.get(0).grant().requestId() != was.get().requestId()) {
                return Optional.of("the visit end names another grant on " + st.event());
            }
            for (DoorCommand c : st.commands()) {
                if (c instanceof Reply r
                        && r.requestId() != MODE_REQUEST
                        && r.outcome().granted()
                        && (now.isEmpty() || now.get().requestId() != r.requestId())) {
                    return Optional.of(
                            "grant "
                                    + r.requestId()
                                    + " answered granted but not held (its visit could never end)");
                }
            }
        }
        return Optional.empty();
    }

    private static Optional<String> modeSavedFirst(State s, DoorEvent e, Macro m) {
        if (!(e instanceof DoorEvent.ModeChange change) || change.mode() == s.model().mode()) {
            return Optional.empty();
        }
        boolean saved =
                m.steps().stream()
                        .anyMatch(st -> st.event() instanceof DoorEvent.ModeSaved ms && ms.saved());
        boolean grantedAnswer =
                m.commands().stream()
                        .anyMatch(
                                c ->
                                        c instanceof Reply r
                                                && r.requestId() == MODE_REQUEST
                                                && r.outcome().granted());
        if (grantedAnswer && !saved) {
            return Optional.of("answered granted though the mode file did not take it");
        }
        if (!saved && change.mode() == Mode.NORMAL && m.to().model().mode() == Mode.NORMAL) {
            return Optional.of("switched to normal though that could not be saved");
        }
        return Optional.empty();
    }

    private static Optional<String> remoteLockSecures(State s, DoorEvent e, Macro m) {
        if (!(e instanceof DoorEvent.LockRequested)) {
            return Optional.empty();
        }
        if (m.commands().contains(new DriveBolt(BoltPosition.UNLOCKED))
                || m.commands().stream()
                        .anyMatch(c -> c instanceof Reply r && r.outcome().granted())) {
            return Optional.of("a LOCK unlocked or granted: " + m.commands());
        }
        DoorModel before = s.model();
        Phase after = m.to().model().phase();
        boolean applies =
                before.phase() instanceof Phase.Running
                        && !(before.phase() instanceof Phase.Starting)
                        && !before.shuttingDown()
                        && before.door() == DoorState.CLOSED;
        if (applies && !(after instanceof Phase.Locked || after instanceof Phase.Locking)) {
            return Optional.of("a LOCK with the door closed left it " + m.to().model().stateName());
        }
        return Optional.empty();
    }

    private static Optional<String> boltIntoOpenDoor(Macro m) {
        for (SubStep st : m.steps()) {
            if (st.after().door() == DoorState.OPEN
                    && st.commands().contains(new DriveBolt(BoltPosition.LOCKED))) {
                return Optional.of("DriveBolt(LOCKED) with the door OPEN on " + st.event());
            }
        }
        return Optional.empty();
    }

    /** The grant a request id stands for in this transition. */
    private static Optional<Grant> grantOf(long id, State s, DoorEvent e) {
        if (e instanceof DoorEvent.GrantRequested g && g.grant().requestId() == id) {
            return Optional.of(g.grant());
        }
        return pending(s.model().phase()).filter(g -> g.requestId() == id);
    }

    private static Optional<Grant> pending(Phase p) {
        return switch (p) {
            case Phase.CameraCheck c -> Optional.of(c.grant());
            case Phase.Consuming c -> Optional.of(c.grant());
            default -> Optional.empty();
        };
    }

    /**
     * Grants this transition admits: a granted Reply, or the first unlock for a grant (the phase it
     * leads to names it; a retry of that unlock continues the admission, it is not a new one).
     */
    private static List<Grant> admitted(State s, DoorEvent e, SubStep st) {
        List<Grant> out = new ArrayList<>();
        for (DoorCommand c : st.commands()) {
            if (c instanceof Reply r && r.outcome().granted()) {
                grantOf(r.requestId(), s, e).ifPresent(out::add);
            }
        }
        if (st.commands().contains(new DriveBolt(BoltPosition.UNLOCKED))
                && st.after().phase() instanceof Phase.Unlocking u
                && !(st.before().phase() instanceof Phase.Unlocking)) {
            out.add(u.grant());
        }
        return out;
    }

    private static Optional<String> onceConsumedFirst(State s, DoorEvent e, Macro m) {
        Set<Long> consumed = new java.util.HashSet<>();
        Set<Long> asked = new java.util.HashSet<>();
        for (SubStep st : m.steps()) {
            if (st.event() instanceof DoorEvent.OnceConsumed oc) {
                boolean ok = oc.result().equals(Optional.of(OneTimeStore.Result.CONSUMED));
                if (ok && asked.contains(oc.grant().requestId())) {
                    consumed.add(oc.grant().requestId());
                }
                if (!ok
                        && (st.commands().contains(new DriveBolt(BoltPosition.UNLOCKED))
                                || st.commands().stream()
                                        .anyMatch(
                                                c ->
                                                        c instanceof Reply r
                                                                && r.outcome().granted()))) {
                    return Optional.of(
                            "a once token the store answered " + oc.result() + " still unlocked");
                }
            }
            for (Grant g : admitted(s, e, st)) {
                if (g.once() && !consumed.contains(g.requestId())) {
                    return Optional.of(
                            "once grant "
                                    + g.requestId()
                                    + " admitted before its consumption on "
                                    + st.event());
                }
            }
            for (DoorCommand c : st.commands()) {
                if (c instanceof ConsumeOnce co) {
                    asked.add(co.grant().requestId());
                }
            }
        }
        return Optional.empty();
    }

    private static Optional<String> oneReply(State s, DoorEvent e, Macro m) {
        Map<Long, Integer> replies = new HashMap<>();
        m.commands()
                .forEach(
                        c -> {
                            if (c instanceof Reply r) {
                                replies.merge(r.requestId(), 1, Integer::sum);
                            }
                        });
        Optional<Grant> before = pending(s.model().phase());
        Optional<Long> after =
                pending(m.steps().get(m.steps().size() - 1).after().phase()).map(Grant::requestId);
        if (e instanceof DoorEvent.ModeChange && replies.getOrDefault(MODE_REQUEST, 0) != 1) {
            return Optional.of(
                    "the mode change got " + replies.getOrDefault(MODE_REQUEST, 0) + " replies");
        }
        if (e instanceof DoorEvent.GrantRequested) {
            int n = replies.getOrDefault(FRESH, 0) + (after.equals(Optional.of(FRESH)) ? 1 : 0);
            if (n != 1) {
                return Optional.of(
                        "the new grant got "
                                + replies.getOrDefault(FRESH, 0)
                                + " replies"
                                + (after.equals(Optional.of(FRESH))
                                        ? " and is still pending"
                                        : ""));
            }
        }
        if (before.isPresent()) {
            int n = replies.getOrDefault(HELD, 0) + (after.equals(Optional.of(HELD)) ? 1 : 0);
            if (n != 1) {
                return Optional.of(
                        "the pending grant got "
                                + replies.getOrDefault(HELD, 0)
                                + " replies"
                                + (after.equals(Optional.of(HELD)) ? " and is still pending" : ""));
            }
        } else if (replies.containsKey(HELD)) {
            return Optional.of("a reply to a grant nobody is waiting for");
        }
        for (long id : replies.keySet()) {
            if (id != HELD
                    && id != FRESH
                    && !(id == MODE_REQUEST && e instanceof DoorEvent.ModeChange)) {
                return Optional.of("a reply to unknown request " + id);
            }
        }
        return Optional.empty();
    }

    private static Optional<String> grantedAfterUnlock(Macro m) {
        for (SubStep st : m.steps()) {
            boolean unlockSent = false;
            for (DoorCommand c : st.commands()) {
                if (c.equals(new DriveBolt(BoltPosition.UNLOCKED))) {
                    unlockSent = true;
                } else if (c instanceof Reply r
                        && r.requestId() != MODE_REQUEST // a mode change opens nothing
                        && r.outcome().granted()
                        && !unlockSent) {
                    boolean alreadyUnlocked =
                            st.after().phase() instanceof Phase.Unlocked
                                    && st.before().bolt() == BoltPosition.UNLOCKED
                                    && wasUnlocked(st.before().phase());
                    if (!alreadyUnlocked) {
                        return Optional.of(
                                "granted without an unlock command, from "
                                        + st.before().stateName());
                    }
                }
            }
        }
        return Optional.empty();
    }

    private static boolean wasUnlocked(Phase p) {
        return switch (p) {
            case Phase.Unlocked u -> true;
            case Phase.CameraCheck c -> c.back() instanceof Phase.Unlocked;
            case Phase.Consuming c -> c.back() instanceof Phase.Unlocked;
            default -> false;
        };
    }

    private static Optional<String> privacy(State s, DoorEvent e, Macro m) {
        for (SubStep st : m.steps()) {
            for (Grant g : admitted(s, e, st)) {
                if (g.role() != Role.OWNER && st.after().mode() == Mode.PRIVACY) {
                    return Optional.of(g.role() + " admitted in PRIVACY mode on " + st.event());
                }
            }
        }
        return Optional.empty();
    }

    private Optional<String> camera(State s, DoorEvent e, Macro m) {
        if (!settings.requireCamera()) {
            return Optional.empty();
        }
        for (SubStep st : m.steps()) {
            if (!admitted(s, e, st).isEmpty() && !st.after().camera().ready()) {
                return Optional.of(
                        "admitted with the camera " + st.after().camera() + " on " + st.event());
            }
        }
        return Optional.empty();
    }

    private static Optional<String> lockedConfirmed(Macro m) {
        for (SubStep st : m.steps()) {
            if (st.after().phase() instanceof Phase.Locked
                    && st.after().bolt() != BoltPosition.LOCKED) {
                return Optional.of(
                        "LOCKED with the bolt " + st.after().bolt() + " after " + st.event());
            }
        }
        return Optional.empty();
    }

    private Optional<String> jammedAfterRetries(Macro m) {
        int last = settings.lockRetries() + 1;
        for (SubStep st : m.steps()) {
            int attempt =
                    switch (st.after().phase()) {
                        case Phase.Locking l -> l.attempt();
                        case Phase.Unlocking u -> u.attempt();
                        default -> 0;
                    };
            if (attempt > last) {
                return Optional.of("attempt " + attempt + " of a bolt allowed " + last);
            }
            int before =
                    switch (st.before().phase()) {
                        case Phase.Locking l -> l.attempt();
                        case Phase.Unlocking u -> u.attempt();
                        default -> 0;
                    };
            boolean unconfirmed =
                    st.event() instanceof DoorEvent.BoltSettled b
                                    && !confirms(st.before().phase(), b.position())
                            || st.event().equals(new DoorEvent.TimerFired(Timer.MOTION));
            if (before == last
                    && unconfirmed
                    && !(st.after().phase() instanceof Phase.Jammed)
                    && !(st.after().phase() instanceof Phase.Stopped)) {
                return Optional.of(
                        "attempt " + last + " unconfirmed, yet " + st.after().stateName());
            }
        }
        return Optional.empty();
    }

    private static boolean confirms(Phase p, BoltPosition position) {
        return p instanceof Phase.Locking
                ? position == BoltPosition.LOCKED
                : position == BoltPosition.UNLOCKED;
    }

    private static Optional<String> relockArmed(State s) {
        DoorModel m = s.model();
        boolean exempt =
                switch (m.phase()) {
                    case Phase.Jammed j -> true;
                    case Phase.Stopped x -> true;
                    case Phase.Starting x ->
                            true; // Started is always the first event the loop handles
                    default -> false;
                };
        if (exempt || m.bolt() != BoltPosition.UNLOCKED || m.door() != DoorState.CLOSED) {
            return Optional.empty();
        }
        Set<Timer> a = s.armed();
        boolean relock =
                a.contains(Timer.UNLOCK_WAIT)
                        || a.contains(Timer.RELOCK_DELAY)
                        || a.contains(Timer.MAX_UNLOCKED);
        boolean motion =
                (m.phase() instanceof Phase.Locking || m.phase() instanceof Phase.Unlocking)
                        && a.contains(Timer.MOTION);
        boolean camera = m.phase() instanceof Phase.CameraCheck && a.contains(Timer.CAMERA_READY);
        return relock || motion || camera
                ? Optional.empty()
                : Optional.of(
                        m.stateName()
                                + " with the bolt unlocked, the door closed and nothing armed: "
                                + a);
    }

    private static Optional<String> maxUnlockedArmed(State s) {
        Phase p = s.model().phase();
        Phase period =
                switch (p) {
                    case Phase.CameraCheck c -> c.back();
                    case Phase.Consuming c -> c.back();
                    default -> p;
                };
        return period instanceof Phase.Unlocked u
                        && !u.capped()
                        && !s.armed().contains(Timer.MAX_UNLOCKED)
                ? Optional.of(
                        s.model().stateName()
                                + " in an unlocked period with no max_unlocked timer: "
                                + s.armed())
                : Optional.empty();
    }

    // ---- liveness

    private void restrictedEdge(State s, DoorEvent e, int from, int to) {
        boolean shared =
                e.equals(new DoorEvent.DoorMoved(DoorState.CLOSED))
                        || e instanceof DoorEvent.TimerFired;
        boolean answer =
                e instanceof DoorEvent.BoltSettled b
                        && (s.model().phase() instanceof Phase.Locking
                                ? b.position() == BoltPosition.LOCKED
                                : s.model().phase() instanceof Phase.Unlocking
                                        && b.position() == BoltPosition.UNLOCKED);
        if (shared || answer) {
            cooperating.computeIfAbsent(from, k -> new ArrayList<>()).add(to);
        }
        if (shared) {
            silent.computeIfAbsent(from, k -> new ArrayList<>()).add(to);
        }
    }

    /**
     * From every state but JAMMED, STOPPED and STARTING: with the door closed, the armed timers
     * firing in any order, and the bolt either confirming each command or never answering, every
     * end is LOCKED or JAMMED (or STOPPED while shutting down), and no path runs forever.
     */
    private Optional<Violation> liveness() {
        for (Map.Entry<String, Map<Integer, List<Integer>>> env :
                Map.of(
                                "a bolt that confirms each command",
                                cooperating,
                                "a bolt that never answers",
                                silent)
                        .entrySet()) {
            BitSet bad = new BitSet();
            BitSet ends = new BitSet();
            for (int i = 0; i < states.size(); i++) {
                if (env.getValue().getOrDefault(i, List.of()).isEmpty()) {
                    ends.set(i);
                    DoorModel m = states.get(i).model();
                    boolean good =
                            m.phase() instanceof Phase.Locked
                                    || m.phase() instanceof Phase.Jammed
                                    || (m.phase() instanceof Phase.Stopped && m.shuttingDown());
                    if (!good) {
                        bad.set(i);
                    }
                }
            }
            BitSet reachesBad = backwards(env.getValue(), bad);
            BitSet reachesEnd = backwards(env.getValue(), ends);
            for (int i = 0; i < states.size(); i++) {
                Phase p = states.get(i).model().phase();
                if (p instanceof Phase.Jammed
                        || p instanceof Phase.Stopped
                        || p instanceof Phase.Starting) {
                    continue;
                }
                if (reachesBad.get(i) || !reachesEnd.get(i)) {
                    String what =
                            reachesBad.get(i)
                                    ? "can end " + badEnd(env.getValue(), i, bad)
                                    : "can run forever";
                    return Optional.of(
                            new Violation(
                                    Invariant.LIVENESS,
                                    "with " + env.getKey() + ", " + what,
                                    path(i)));
                }
            }
        }
        return Optional.empty();
    }

    private BitSet backwards(Map<Integer, List<Integer>> edges, BitSet targets) {
        Map<Integer, List<Integer>> reverse = new HashMap<>();
        edges.forEach(
                (from, tos) ->
                        tos.forEach(
                                to ->
                                        reverse.computeIfAbsent(to, k -> new ArrayList<>())
                                                .add(from)));
        BitSet seen = (BitSet) targets.clone();
        ArrayDeque<Integer> q = new ArrayDeque<>();
        targets.stream().forEach(q::add);
        while (!q.isEmpty()) {
            for (int from : reverse.getOrDefault(q.poll(), List.of())) {
                if (!seen.get(from)) {
                    seen.set(from);
                    q.add(from);
                }
            }
        }
        return seen;
    }

    private String badEnd(Map<Integer, List<Integer>> edges, int from, BitSet bad) {
        ArrayDeque<Integer> q = new ArrayDeque<>(List.of(from));
        Map<Integer, Integer> back = new HashMap<>(Map.of(from, from));
        while (!q.isEmpty()) {
            int at = q.poll();
            if (bad.get(at)) {
                DoorModel m = states.get(at).model();
                return "in " + m.stateName() + " (door " + m.door() + ", bolt " + m.bolt() + ")";
            }
            for (int to : edges.getOrDefault(at, List.of())) {
                if (back.putIfAbsent(to, at) == null) {
                    q.add(to);
                }
            }
        }
        return "badly";
    }

    static String describe(DoorEvent e) {
        return switch (e) {
            case DoorEvent.GrantRequested g ->
                    "GrantRequested("
                            + g.grant().role()
                            + " "
                            + (g.grant().once() ? "once" : "window")
                            + ")";
            case DoorEvent.OnceConsumed o -> "OnceConsumed(" + o.result() + ")";
            default -> e.toString();
        };
    }
}
