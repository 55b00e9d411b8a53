package org.latchkey.door;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.latchkey.hal.BoltPosition;
import org.latchkey.hal.DoorState;
import org.latchkey.store.OneTimeStore;
import org.latchkey.token.VerifiedAccess;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The pure transition function on its own, as a table (door-machine-table.txt): for a door in each
 * phase (and the variants that decide a branch: privacy mode, a store that cannot be written,
 * shutting down, the last attempt, a required camera), each event, the state it leads to and every
 * command in order. Each row was read and checked by hand against the door's rules; the table
 * covers every phase × event pair.
 */
class DoorMachineTest {
    static final DoorSettings SETTINGS = DoorSettings.DEFAULTS;
    static final DoorSettings CAMERA = DoorStateSpaceTest.settings(true);

    private static final VerifiedAccess COURIER_ONCE = TestTokens.courierOnce();
    private static final VerifiedAccess COURIER_WINDOW = TestTokens.courierWindow();
    private static final VerifiedAccess OWNER_WINDOW = TestTokens.ownerWindow();
    private static final Grant HELD_ONCE = new Grant(1, COURIER_ONCE, true);
    private static final Grant HELD_WINDOW = new Grant(1, COURIER_WINDOW, true);

    private static DoorModel model(
            Phase p, DoorState door, BoltPosition bolt, CameraState camera, Set<Alarm> alarms) {
        return new DoorModel(p, door, bolt, camera, alarms, Mode.NORMAL, false);
    }

    /** A door in each phase, and the variants that decide a branch. */
    static Map<String, DoorModel> fixtures() {
        Map<String, DoorModel> f = new LinkedHashMap<>();
        f.put("starting", DoorModel.initial(Mode.NORMAL));
        f.put(
                "locked",
                model(
                        new Phase.Locked(),
                        DoorState.CLOSED,
                        BoltPosition.LOCKED,
                        CameraState.OFF,
                        Set.of()));
        f.put(
                "locking",
                model(
                        new Phase.Locking(1),
                        DoorState.CLOSED,
                        BoltPosition.UNLOCKED,
                        CameraState.RECORDING,
                        Set.of()));
        f.put(
                "camera-check",
                model(
                        new Phase.CameraCheck(HELD_WINDOW, new Phase.Locked()),
                        DoorState.CLOSED,
                        BoltPosition.LOCKED,
                        CameraState.STARTING,
                        Set.of()));
        f.put(
                "consuming",
                model(
                        new Phase.Consuming(HELD_ONCE, new Phase.Locked()),
                        DoorState.CLOSED,
                        BoltPosition.LOCKED,
                        CameraState.RECORDING,
                        Set.of()));
        f.put(
                "unlocking",
                model(
                        new Phase.Unlocking(HELD_WINDOW, 1),
                        DoorState.CLOSED,
                        BoltPosition.LOCKED,
                        CameraState.RECORDING,
                        Set.of()));
        f.put(
                "unlocked",
                model(
                        new Phase.Unlocked(HELD_WINDOW, false, false),
                        DoorState.CLOSED,
                        BoltPosition.UNLOCKED,
                        CameraState.RECORDING,
                        Set.of()));
        f.put(
                "unsecured",
                model(
                        new Phase.Unsecured(),
                        DoorState.OPEN,
                        BoltPosition.UNLOCKED,
                        CameraState.OFF,
                        Set.of()));
        f.put(
                "jammed",
                model(
                        new Phase.Jammed(),
                        DoorState.CLOSED,
                        BoltPosition.UNKNOWN,
                        CameraState.RECORDING,
                        EnumSet.of(Alarm.LOCK_JAMMED)));
        f.put(
                "stopped",
                model(
                        new Phase.Stopped(),
                        DoorState.CLOSED,
                        BoltPosition.LOCKED,
                        CameraState.OFF,
                        Set.of()));
        return f;
    }

    /**
     * Variants for the rows of the second table: branches that one fixture per phase does not
     * reach.
     */
    static Map<String, DoorModel> variants() {
        Map<String, DoorModel> f = new LinkedHashMap<>();
        DoorModel locked = fixtures().get("locked");
        f.put("locked/privacy", locked.withMode(Mode.PRIVACY));
        f.put("locked/store-down", locked.withAlarms(EnumSet.of(Alarm.STORE_UNAVAILABLE)));
        f.put("locked/shutting-down", locked.beginShutdown());
        f.put(
                "locking/last",
                model(
                        new Phase.Locking(3),
                        DoorState.CLOSED,
                        BoltPosition.UNKNOWN,
                        CameraState.OFF,
                        Set.of()));
        f.put(
                "unlocking/last",
                model(
                        new Phase.Unlocking(HELD_WINDOW, 3),
                        DoorState.CLOSED,
                        BoltPosition.UNKNOWN,
                        CameraState.RECORDING,
                        Set.of()));
        f.put("unlocking/shutting-down", fixtures().get("unlocking").beginShutdown());
        f.put(
                "unlocked/open",
                model(
                        new Phase.Unlocked(HELD_WINDOW, true, false),
                        DoorState.OPEN,
                        BoltPosition.UNLOCKED,
                        CameraState.RECORDING,
                        Set.of()));
        f.put(
                "unlocked/open-capped",
                model(
                        new Phase.Unlocked(HELD_WINDOW, true, true),
                        DoorState.OPEN,
                        BoltPosition.UNLOCKED,
                        CameraState.RECORDING,
                        Set.of()));
        f.put("camera-check/privacy", fixtures().get("camera-check").withMode(Mode.PRIVACY));
        f.put(
                "camera-check/unsecured-back",
                model(
                        new Phase.CameraCheck(HELD_WINDOW, new Phase.Unsecured()),
                        DoorState.CLOSED,
                        BoltPosition.UNLOCKED,
                        CameraState.STARTING,
                        Set.of()));
        f.put(
                "consuming/unlocked-back",
                model(
                        new Phase.Consuming(
                                HELD_ONCE, new Phase.Unlocked(HELD_WINDOW, false, false)),
                        DoorState.CLOSED,
                        BoltPosition.UNLOCKED,
                        CameraState.RECORDING,
                        Set.of()));
        f.put(
                "unlocking/open",
                model(
                        new Phase.Unlocking(HELD_WINDOW, 1),
                        DoorState.OPEN,
                        BoltPosition.LOCKED,
                        CameraState.RECORDING,
                        Set.of()));
        f.put(
                "unsecured/closed",
                model(
                        new Phase.Unsecured(),
                        DoorState.CLOSED,
                        BoltPosition.UNLOCKED,
                        CameraState.OFF,
                        Set.of()));
        f.put(
                "jammed/open",
                model(
                        new Phase.Jammed(),
                        DoorState.OPEN,
                        BoltPosition.UNKNOWN,
                        CameraState.RECORDING,
                        EnumSet.of(Alarm.LOCK_JAMMED)));
        return f;
    }

    static Map<String, DoorEvent> events() {
        Map<String, DoorEvent> e = new LinkedHashMap<>();
        e.put(
                "started",
                new DoorEvent.Started(DoorState.CLOSED, BoltPosition.LOCKED, false, "config"));
        e.put(
                "started-open",
                new DoorEvent.Started(DoorState.OPEN, BoltPosition.UNKNOWN, true, "persisted"));
        e.put("grant-courier-once", new DoorEvent.GrantRequested(new Grant(2, COURIER_ONCE, true)));
        e.put(
                "grant-courier-window",
                new DoorEvent.GrantRequested(new Grant(2, COURIER_WINDOW, true)));
        e.put("grant-owner-window", new DoorEvent.GrantRequested(new Grant(2, OWNER_WINDOW, true)));
        e.put(
                "consumed",
                new DoorEvent.OnceConsumed(HELD_ONCE, Optional.of(OneTimeStore.Result.CONSUMED)));
        e.put(
                "already-used",
                new DoorEvent.OnceConsumed(
                        HELD_ONCE, Optional.of(OneTimeStore.Result.ALREADY_USED)));
        e.put("store-failed", new DoorEvent.OnceConsumed(HELD_ONCE, Optional.empty()));
        e.put("door-opens", new DoorEvent.DoorMoved(DoorState.OPEN));
        e.put("door-closes", new DoorEvent.DoorMoved(DoorState.CLOSED));
        e.put("bolt-locked", new DoorEvent.BoltSettled(BoltPosition.LOCKED));
        e.put("bolt-unlocked", new DoorEvent.BoltSettled(BoltPosition.UNLOCKED));
        e.put("bolt-unknown", new DoorEvent.BoltSettled(BoltPosition.UNKNOWN));
        e.put("camera-ready", new DoorEvent.CameraReady(true));
        e.put("camera-lost", new DoorEvent.CameraReady(false));
        for (Timer t : Timer.values()) {
            e.put(
                    "timer-" + t.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'),
                    new DoorEvent.TimerFired(t));
        }
        e.put("clock-untrusted", new DoorEvent.ConditionChanged(Condition.CLOCK_UNTRUSTED, true));
        e.put("store-down", new DoorEvent.ConditionChanged(Condition.STORE_UNAVAILABLE, true));
        e.put("privacy", new DoorEvent.ModeChange(Mode.PRIVACY, 3));
        e.put("privacy-saved", new DoorEvent.ModeSaved(Mode.PRIVACY, 3, true));
        e.put("privacy-not-saved", new DoorEvent.ModeSaved(Mode.PRIVACY, 3, false));
        e.put("remote-lock", new DoorEvent.LockRequested("mqtt"));
        e.put("shutdown", new DoorEvent.ShutdownRequested());
        return e;
    }

    /**
     * The commands as short words: lock, unlock, camera on/off, +TIMER/-TIMER, consume, reply …,
     * audit …, save …, stop.
     */
    static String render(List<DoorCommand> commands) {
        return commands.stream()
                .map(
                        c ->
                                switch (c) {
                                    case DoorCommand.DriveBolt d ->
                                            d.target() == BoltPosition.LOCKED ? "lock" : "unlock";
                                    case DoorCommand.Camera cam ->
                                            cam.recording() ? "camera-on" : "camera-off";
                                    case DoorCommand.StartTimer t -> "+" + t.timer();
                                    case DoorCommand.CancelTimer t -> "-" + t.timer();
                                    case DoorCommand.ConsumeOnce x -> "consume";
                                    case DoorCommand.Reply r ->
                                            "reply:"
                                                    + r.requestId()
                                                    + ":"
                                                    + r.outcome()
                                                            .refusal()
                                                            .map(Enum::name)
                                                            .orElse("granted");
                                    case DoorCommand.Audit a -> "audit:" + audit(a.record());
                                    case DoorCommand.SaveMode s -> "save:" + s.mode();
                                    case DoorCommand.VisitEnded v ->
                                            "visit-end:" + v.grant().requestId() + ":" + v.how();
                                    case DoorCommand.Stop s -> "stop";
                                })
                .collect(Collectors.joining(" "));
    }

    private static String audit(AuditRecord r) {
        return switch (r) {
            case AuditRecord.Refused x -> "refused(" + x.reason() + ")";
            case AuditRecord.AlarmRaised x -> "alarm+" + x.alarm();
            case AuditRecord.AlarmCleared x -> "alarm-" + x.alarm();
            case AuditRecord.Bolt x -> "bolt(" + x.position() + (x.byHand() ? ",hand" : "") + ")";
            case AuditRecord.BoltRetry x -> "retry(" + x.target() + "," + x.attempt() + ")";
            case AuditRecord.BoltJammed x -> "jammed(" + x.target() + ")";
            case AuditRecord.Camera x -> "camera(" + (x.recording() ? "on" : "off") + ")";
            case AuditRecord.Door x -> "door(" + x.state() + ")";
            case AuditRecord.ModeChanged x -> "mode(" + x.to() + ")";
            case AuditRecord.Relock x -> "relock";
            case AuditRecord.LockRequested x -> "lock-requested(" + x.outcome() + ")";
            default -> r.getClass().getSimpleName().toLowerCase(java.util.Locale.ROOT);
        };
    }

    /** One row: a door, an event, and what the machine must do. */
    record Row(String fixture, String event, String state, String commands, int line) {}

    static List<Row> table() throws IOException {
        List<Row> rows = new ArrayList<>();
        try (InputStream in = DoorMachineTest.class.getResourceAsStream("door-machine-table.txt")) {
            String[] lines = new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n");
            for (int i = 0; i < lines.length; i++) {
                String l = lines[i];
                if (l.isBlank() || l.startsWith("#")) {
                    continue;
                }
                String[] f = l.split("\\|", -1);
                rows.add(new Row(f[0].strip(), f[1].strip(), f[2].strip(), f[3].strip(), i + 1));
            }
        }
        return rows;
    }

    private static DoorModel door(String fixture) {
        DoorModel m = fixtures().get(fixture);
        return m != null ? m : variants().get(fixture);
    }

    @TestFactory
    Stream<DynamicTest> everyRow_ofTheTable() throws IOException {
        return table().stream()
                .map(
                        row ->
                                DynamicTest.dynamicTest(
                                        row.fixture() + " + " + row.event(),
                                        () -> {
                                            boolean camera =
                                                    row.fixture().startsWith("camera-check");
                                            DoorModel m = door(row.fixture());
                                            assertTrue(
                                                    m != null,
                                                    "line "
                                                            + row.line()
                                                            + ": no fixture "
                                                            + row.fixture());
                                            DoorEvent e = events().get(row.event());
                                            assertTrue(
                                                    e != null,
                                                    "line "
                                                            + row.line()
                                                            + ": no event "
                                                            + row.event());
                                            DoorMachine.Transition t =
                                                    new DoorMachine(camera ? CAMERA : SETTINGS)
                                                            .apply(m, e);
                                            assertEquals(
                                                    row.state() + " | " + row.commands(),
                                                    t.model().stateName()
                                                            + " | "
                                                            + render(t.commands()),
                                                    "line " + row.line());
                                        }));
    }

    @Test
    void theTable_coversEveryPhaseWithEveryEvent() throws IOException {
        Set<String> covered = new TreeSet<>();
        for (Row r : table()) {
            covered.add(
                    door(r.fixture()).phase().getClass().getSimpleName()
                            + " × "
                            + events().get(r.event()).getClass().getSimpleName());
        }
        List<String> missing = new ArrayList<>();
        for (Class<?> phase : phases()) {
            for (Class<?> event : DoorEvent.class.getPermittedSubclasses()) {
                String pair = phase.getSimpleName() + " × " + event.getSimpleName();
                if (!covered.contains(pair)) {
                    missing.add(pair);
                }
            }
        }
        assertEquals(List.of(), missing);
        assertEquals(
                fixtures().size() * events().size() + 0,
                table().stream().filter(r -> fixtures().containsKey(r.fixture())).count(),
                "every fixture with every event");
    }

    @Test
    void aSwitchToNormalThatCannotBeSaved_isRefused_andTheDoorStaysInPrivacy() {
        DoorModel privacy = variants().get("locked/privacy");
        DoorMachine machine = new DoorMachine(SETTINGS);
        DoorMachine.Transition asked =
                machine.apply(privacy, new DoorEvent.ModeChange(Mode.NORMAL, 3));
        assertEquals("save:NORMAL", render(asked.commands()), "answered only after the save");
        DoorMachine.Transition failed =
                machine.apply(asked.model(), new DoorEvent.ModeSaved(Mode.NORMAL, 3, false));
        assertEquals(Mode.PRIVACY, failed.model().mode());
        assertEquals(
                "audit:alarm+STORE_UNAVAILABLE reply:3:STORE_UNAVAILABLE",
                render(failed.commands()));
        DoorMachine.Transition saved =
                machine.apply(asked.model(), new DoorEvent.ModeSaved(Mode.NORMAL, 3, true));
        assertEquals(Mode.NORMAL, saved.model().mode());
        assertEquals("audit:mode(NORMAL) reply:3:granted", render(saved.commands()));
    }

    @Test
    void theModeItIsAlreadyIn_isAnsweredSo_withNothingSaved() {
        // The fourth review, L5: privacy -> privacy on a read-only disk answered as if changed.
        DoorModel privacy = variants().get("locked/privacy");
        DoorMachine.Transition t =
                new DoorMachine(SETTINGS).apply(privacy, new DoorEvent.ModeChange(Mode.PRIVACY, 3));
        assertEquals("reply:3:granted", render(t.commands()), "no save, no audit");
        var reply = (DoorCommand.Reply) t.commands().get(0);
        assertEquals("already in privacy mode", reply.outcome().detail());
    }

    private static List<Class<?>> phases() {
        List<Class<?>> out = new ArrayList<>();
        for (Class<?> c : Phase.class.getPermittedSubclasses()) {
            if (c.isInterface()) {
                out.addAll(List.of(c.getPermittedSubclasses()));
            } else {
                out.add(c);
            }
        }
        return out;
    }
}
