package org.latchkey.testing;

import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import org.latchkey.assembly.DoorAssembly;
import org.latchkey.config.DeviceConfigLoader;
import org.latchkey.door.AuditRecord;
import org.latchkey.door.DoorController;
import org.latchkey.door.DoorModel;
import org.latchkey.door.Outcome;
import org.latchkey.hal.BoltPosition;
import org.latchkey.hal.Camera;
import org.latchkey.hal.Deadbolt;
import org.latchkey.hal.DoorContact;
import org.latchkey.hal.DoorHardware;
import org.latchkey.hal.DoorState;
import org.latchkey.hal.HardwareEvent;
import org.latchkey.hal.ManualScheduler;
import org.latchkey.store.BootTime;
import org.latchkey.store.Storage;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * A whole door as latchkeyd wires it (the assembly, its upkeep included), on virtual time, with
 * Mockito at the hardware boundary and the storage seam to inject faults: for tests of what crosses
 * the door's parts.
 */
public final class VirtualDoor {
    public final ManualScheduler scheduler = new ManualScheduler();
    public final Deadbolt bolt = mock(Deadbolt.class);

    /** The lights and buzzer, all fitted: a test makes them fail at the HAL boundary. */
    public final org.latchkey.hal.Indicators indicators = mock(org.latchkey.hal.Indicators.class);

    public final List<AuditRecord> records = new ArrayList<>();
    public final DoorAssembly assembly;
    private final Instant start;
    private final Path dir;
    private final Storage storage;
    private final boolean synced;
    private final BootTime boot;

    /** Every VirtualDoor runs in this boot unless told otherwise; it booted at this time. */
    public static final String BOOT = "00000000-0000-4000-8000-000000000b00";

    public static final Instant BOOTED_AT = Instant.parse("2026-01-01T00:00:00Z");

    /** How far the wall clock was stepped (both ways); the boot clock never is. */
    private volatile Duration clockStep = Duration.ZERO;

    /**
     * Starts the door in {@code dir} (its config at {@code dir/latchkey.toml}, state in {@code
     * dir/state}); the bolt confirms the start-up lock.
     *
     * @param synced whether the host says its clock is NTP-synchronised
     */
    public VirtualDoor(Path dir, Storage storage, Instant start, boolean synced) throws Exception {
        this(dir, storage, start, synced, new BootTime(BOOT, Duration.between(BOOTED_AT, start)));
    }

    /**
     * @param boot the boot it starts in, and how long that boot has run at {@code start}
     */
    public VirtualDoor(Path dir, Storage storage, Instant start, boolean synced, BootTime boot)
            throws Exception {
        this(dir, storage, start, synced, boot, Duration.ZERO);
    }

    /**
     * @param start the true time at the start
     * @param clockStep how far the wall clock reads from true time at the start
     */
    public VirtualDoor(
            Path dir,
            Storage storage,
            Instant start,
            boolean synced,
            BootTime boot,
            Duration clockStep)
            throws Exception {
        this.start = start;
        this.boot = boot;
        this.dir = dir;
        this.storage = storage;
        this.synced = synced;
        this.clockStep = clockStep;
        Path flag = dir.resolve("synchronized");
        if (synced && !Files.exists(flag)) {
            Files.createFile(flag);
        } else if (!synced) {
            Files.deleteIfExists(flag);
        }
        InstantSource wall = () -> this.start.plus(scheduler.elapsed()).plus(this.clockStep);
        assembly =
                DoorAssembly.assemble(
                        DeviceConfigLoader.load(dir.resolve("latchkey.toml")),
                        Files.createDirectories(dir.resolve("state")),
                        storage,
                        scheduler,
                        wall,
                        this::bootTime,
                        flag,
                        false);
        controller()
                .addObserver(
                        new DoorController.Observer() {
                            @Override
                            public void onStatus(DoorModel model) {}

                            @Override
                            public void onRecord(AuditRecord record, Optional<String> line) {
                                records.add(record);
                            }
                        });
        DoorHardware hw = mock(DoorHardware.class);
        DoorContact contact = mock(DoorContact.class);
        when(contact.state()).thenReturn(DoorState.CLOSED);
        when(hw.contact()).thenReturn(contact);
        when(hw.bolt()).thenReturn(bolt);
        when(hw.camera()).thenReturn(mock(Camera.class));
        when(indicators.fitted())
                .thenReturn(java.util.EnumSet.allOf(org.latchkey.hal.Indicators.Signal.class));
        when(hw.indicators()).thenReturn(indicators);
        when(bolt.position()).thenReturn(BoltPosition.LOCKED);
        assembly.start(hw);
        controller().processPending();
        boltSettles(BoltPosition.LOCKED);
    }

    public DoorController controller() {
        return assembly.controller();
    }

    public DoorModel model() {
        return controller().model();
    }

    public Instant now() {
        return start.plus(scheduler.elapsed()).plus(clockStep);
    }

    /** Where in its boot the door is now (the boot clock runs with virtual time, never steps). */
    public BootTime bootTime() {
        return new BootTime(boot.bootId(), boot.sinceBoot().plus(scheduler.elapsed()));
    }

    /** True time: what the wall clock would read had nobody stepped it. */
    public Instant trueNow() {
        return start.plus(scheduler.elapsed());
    }

    /** An orderly stop and a start in the same boot: the wall clock reads as it did. */
    public VirtualDoor restart() throws Exception {
        stop();
        return new VirtualDoor(dir, storage, trueNow(), synced, bootTime(), clockStep);
    }

    /** A start after a kill -9 (nothing stopped), in the same boot. */
    public VirtualDoor restartAfterKill() throws Exception {
        return new VirtualDoor(dir, storage, trueNow(), synced, bootTime(), clockStep);
    }

    /**
     * Off for {@code off}, then a new boot whose wall clock reads {@code stepAtBoot} away from true
     * time (a spoofed time source at boot, say).
     */
    public VirtualDoor reboot(Duration off, Duration stepAtBoot) throws Exception {
        stop();
        String id = java.util.UUID.randomUUID().toString();
        return new VirtualDoor(
                dir,
                storage,
                trueNow().plus(off),
                synced,
                new BootTime(id, Duration.ofSeconds(20)),
                stepAtBoot);
    }

    /** Steps the wall clock by {@code d} (either way), as a bad time source or a person would. */
    public void stepClock(Duration d) {
        clockStep = clockStep.plus(d);
    }

    public void boltSettles(BoltPosition p) {
        controller().onEvent(new HardwareEvent.BoltSettled(p));
        controller().processPending();
    }

    public void doorMoves(DoorState s) {
        controller().onEvent(new HardwareEvent.DoorChanged(s));
        controller().processPending();
    }

    /** Presents on this thread and lets the door's loop answer. */
    public Outcome present(String token, String client) throws Exception {
        CompletableFuture<Outcome> answer = assembly.gate().present(token, client);
        controller().processPending();
        if (!answer.isDone()) {
            throw new AssertionError("the door did not answer at once");
        }
        return answer.get();
    }

    /** Asks for a mode on this thread and lets the door's loop answer. */
    public Outcome changeMode(org.latchkey.door.Mode mode, String ownerToken, String client)
            throws Exception {
        CompletableFuture<Outcome> answer = assembly.gate().changeMode(mode, ownerToken, client);
        controller().processPending();
        if (!answer.isDone()) {
            throw new AssertionError("the door did not answer at once");
        }
        return answer.get();
    }

    /** Lets virtual time pass; timers and the upkeep run, the door handles what they post. */
    public void advance(Duration d) {
        scheduler.advance(d);
        controller().processPending();
    }

    /**
     * A grant's whole cycle: the bolt retracts, nobody opens, the door relocks after unlock_wait.
     */
    public void unlockAndRelock() {
        boltSettles(BoltPosition.UNLOCKED);
        advance(Duration.ofMinutes(5));
        boltSettles(BoltPosition.LOCKED);
    }

    /**
     * An orderly stop (SIGTERM): the door is closed and locked, so it stops at once; the upkeep
     * ends.
     */
    public void stop() {
        controller().post(new org.latchkey.door.DoorEvent.ShutdownRequested());
        controller().processPending();
        assembly.stop();
    }

    public <T extends AuditRecord> List<T> recorded(Class<T> type) {
        return records.stream().filter(type::isInstance).map(type::cast).toList();
    }
}
