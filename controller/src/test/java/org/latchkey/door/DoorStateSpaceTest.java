package org.latchkey.door;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.latchkey.hal.BoltPosition;
import org.latchkey.hal.DoorState;
import org.latchkey.store.OneTimeStore;
import org.latchkey.token.VerifiedAccess;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.BiFunction;

/**
 * The door's promises checked on every state it can reach (see {@link DoorStateSpace}), for both
 * camera policies; and each check shown to catch a deliberately broken machine.
 */
class DoorStateSpaceTest {
    static final List<VerifiedAccess> GRANTS =
            List.of(
                    TestTokens.ownerWindow(),
                    TestTokens.ownerOnce(),
                    TestTokens.courierWindow(),
                    TestTokens.courierOnce());
    static final int MAX_STATES = 3_000_000;

    static DoorSettings settings(boolean requireCamera) {
        DoorSettings d = DoorSettings.DEFAULTS;
        return new DoorSettings(
                d.mode(),
                d.unlockWait(),
                d.relockDelay(),
                d.ajarAfter(),
                d.maxUnlocked(),
                d.cameraPostRoll(),
                requireCamera,
                d.cameraReadyWait(),
                d.lockRetries(),
                d.motionTimeout());
    }

    @ParameterizedTest(name = "require_camera = {0}")
    @ValueSource(booleans = {false, true})
    void everyReachableState_keepsEveryPromise(boolean requireCamera) {
        DoorSettings settings = settings(requireCamera);
        DoorMachine machine = new DoorMachine(settings);
        long t0 = System.nanoTime();
        DoorStateSpace.Result r =
                new DoorStateSpace(machine::apply, settings, GRANTS, MAX_STATES).explore();
        System.out.printf(
                "door state space (require_camera = %s): %,d states, %,d transitions, depth %d, %d"
                        + " ms%n",
                requireCamera,
                r.states(),
                r.transitions(),
                r.depth(),
                (System.nanoTime() - t0) / 1_000_000);
        assertTrue(r.violation().isEmpty(), () -> r.violation().get().toString());
    }

    /** A machine with one flaw: each promise's check must catch its own. */
    record Broken(
            DoorStateSpace.Invariant catches,
            BiFunction<DoorModel, DoorEvent, DoorMachine.Transition> machine,
            DoorSettings checkedAgainst) {}

    static List<Broken> broken() {
        DoorSettings plain = settings(false);
        DoorMachine real = new DoorMachine(plain);
        DoorMachine withCameraIgnored = new DoorMachine(plain);
        DoorSettings oneMoreRetry =
                new DoorSettings(
                        plain.mode(),
                        plain.unlockWait(),
                        plain.relockDelay(),
                        plain.ajarAfter(),
                        plain.maxUnlocked(),
                        plain.cameraPostRoll(),
                        false,
                        plain.cameraReadyWait(),
                        plain.lockRetries() + 1,
                        plain.motionTimeout());
        return List.of(
                new Broken(
                        DoorStateSpace.Invariant.BOLT_INTO_OPEN_DOOR,
                        (m, e) ->
                                map(
                                        real.apply(m, e),
                                        c ->
                                                m.phase() instanceof Phase.Locking
                                                                && e.equals(
                                                                        new DoorEvent.DoorMoved(
                                                                                DoorState.OPEN))
                                                                && c.equals(
                                                                        new DoorCommand.DriveBolt(
                                                                                BoltPosition
                                                                                        .UNLOCKED))
                                                        ? new DoorCommand.DriveBolt(
                                                                BoltPosition.LOCKED)
                                                        : c),
                        plain),
                new Broken(
                        DoorStateSpace.Invariant.ONCE_CONSUMED_FIRST,
                        (m, e) ->
                                real.apply(
                                        m,
                                        e instanceof DoorEvent.OnceConsumed o
                                                        && o.result().isEmpty()
                                                ? new DoorEvent.OnceConsumed(
                                                        o.grant(),
                                                        Optional.of(OneTimeStore.Result.CONSUMED))
                                                : e),
                        plain),
                new Broken(
                        DoorStateSpace.Invariant.ONE_REPLY,
                        (m, e) -> {
                            DoorMachine.Transition t = real.apply(m, e);
                            List<DoorCommand> twice = new ArrayList<>(t.commands());
                            t.commands().stream()
                                    .filter(c -> c instanceof DoorCommand.Reply)
                                    .forEach(twice::add);
                            return new DoorMachine.Transition(t.model(), twice);
                        },
                        plain),
                new Broken(
                        DoorStateSpace.Invariant.GRANTED_AFTER_UNLOCK,
                        (m, e) -> {
                            DoorMachine.Transition t = real.apply(m, e);
                            List<DoorCommand> replyFirst = new ArrayList<>(t.commands());
                            replyFirst.sort(
                                    java.util.Comparator.comparing(
                                            c -> !(c instanceof DoorCommand.Reply)));
                            return new DoorMachine.Transition(t.model(), replyFirst);
                        },
                        plain),
                new Broken(
                        DoorStateSpace.Invariant.PRIVACY,
                        (m, e) -> {
                            if (!(e instanceof DoorEvent.GrantRequested)
                                    || m.mode() != Mode.PRIVACY) {
                                return real.apply(m, e);
                            }
                            DoorMachine.Transition t = real.apply(m.withMode(Mode.NORMAL), e);
                            return new DoorMachine.Transition(
                                    t.model().withMode(Mode.PRIVACY), t.commands());
                        },
                        plain),
                new Broken(
                        DoorStateSpace.Invariant.CAMERA, withCameraIgnored::apply, settings(true)),
                new Broken(
                        DoorStateSpace.Invariant.LOCKED_CONFIRMED,
                        (m, e) -> {
                            DoorMachine.Transition t = real.apply(m, e);
                            return t.model().phase() instanceof Phase.Locking
                                    ? new DoorMachine.Transition(
                                            t.model().with(new Phase.Locked()), t.commands())
                                    : t;
                        },
                        plain),
                new Broken(
                        DoorStateSpace.Invariant.JAMMED_AFTER_RETRIES,
                        new DoorMachine(oneMoreRetry)::apply,
                        plain),
                new Broken(
                        DoorStateSpace.Invariant.RELOCK_ARMED,
                        (m, e) ->
                                drop(
                                        real.apply(m, e),
                                        new DoorCommand.StartTimer(
                                                Timer.RELOCK_DELAY, plain.relockDelay())),
                        plain),
                new Broken(
                        DoorStateSpace.Invariant.MAX_UNLOCKED_ARMED,
                        (m, e) ->
                                drop(
                                        real.apply(m, e),
                                        new DoorCommand.StartTimer(
                                                Timer.MAX_UNLOCKED, plain.maxUnlocked())),
                        plain),
                new Broken(
                        DoorStateSpace.Invariant.STOPPED_ARMS_NOTHING,
                        (m, e) -> {
                            DoorMachine.Transition t = real.apply(m, e);
                            List<DoorCommand> keep =
                                    t.commands().stream()
                                            .filter(c -> !(c instanceof DoorCommand.Stop))
                                            .toList(); // the loop never cancels its timers
                            return t.model().phase() instanceof Phase.Stopped
                                    ? new DoorMachine.Transition(
                                            t.model(),
                                            keep.stream()
                                                    .filter(
                                                            c ->
                                                                    !(c
                                                                            instanceof
                                                                            DoorCommand
                                                                                    .CancelTimer))
                                                    .toList())
                                    : t;
                        },
                        plain),
                new Broken(
                        DoorStateSpace.Invariant.MODE_SAVED_FIRST,
                        // The answer the third review found: "changed" before the mode is saved.
                        (m, e) ->
                                real.apply(
                                        m,
                                        e instanceof DoorEvent.ModeSaved ms
                                                ? new DoorEvent.ModeSaved(
                                                        ms.mode(), ms.requestId(), true)
                                                : e),
                        plain),
                new Broken(
                        DoorStateSpace.Invariant.VISIT_ENDS_ONCE,
                        // A visit whose end is lost: its grant would never get a receipt.
                        (m, e) -> {
                            DoorMachine.Transition t = real.apply(m, e);
                            return new DoorMachine.Transition(
                                    t.model(),
                                    t.commands().stream()
                                            .filter(c -> !(c instanceof DoorCommand.VisitEnded))
                                            .toList());
                        },
                        plain),
                new Broken(
                        DoorStateSpace.Invariant.REMOTE_LOCK_SECURES,
                        (m, e) ->
                                e instanceof DoorEvent.LockRequested
                                        ? new DoorMachine.Transition(m, List.of()) // LOCK ignored
                                        : real.apply(m, e),
                        plain),
                new Broken(
                        DoorStateSpace.Invariant.LIVENESS,
                        (m, e) ->
                                e.equals(new DoorEvent.TimerFired(Timer.RELOCK_DELAY))
                                                && m.phase() instanceof Phase.Unsecured
                                        ? new DoorMachine.Transition(
                                                m,
                                                List.of(
                                                        new DoorCommand.StartTimer(
                                                                Timer.RELOCK_DELAY,
                                                                plain
                                                                        .relockDelay()))) // "later": the relock is put off for ever
                                        : real.apply(m, e),
                        plain));
    }

    private static DoorMachine.Transition map(
            DoorMachine.Transition t, java.util.function.UnaryOperator<DoorCommand> f) {
        return new DoorMachine.Transition(t.model(), t.commands().stream().map(f).toList());
    }

    private static DoorMachine.Transition drop(DoorMachine.Transition t, DoorCommand unwanted) {
        return new DoorMachine.Transition(
                t.model(), t.commands().stream().filter(c -> !c.equals(unwanted)).toList());
    }

    @Test
    void everyPromisesCheck_catchesAMachineThatBreaksIt() {
        List<DoorStateSpace.Invariant> covered = new ArrayList<>();
        for (Broken b : broken()) {
            DoorStateSpace.Result r =
                    new DoorStateSpace(b.machine(), b.checkedAgainst(), GRANTS, MAX_STATES)
                            .explore();
            assertTrue(r.violation().isPresent(), b.catches() + " was not caught");
            assertEquals(
                    b.catches(), r.violation().get().invariant(), r.violation().get().toString());
            System.out.println("caught: " + r.violation().get());
            covered.add(b.catches());
        }
        assertEquals(
                List.of(DoorStateSpace.Invariant.values()).stream().sorted().toList(),
                covered.stream().sorted().toList(),
                "every promise has a flaw its check catches");
    }
}
