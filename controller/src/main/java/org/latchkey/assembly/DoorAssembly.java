package org.latchkey.assembly;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import org.latchkey.config.DeviceConfig;
import org.latchkey.door.DoorController;
import org.latchkey.door.DoorEvent;
import org.latchkey.hal.Scheduler;
import org.latchkey.access.AccessGate;
import org.latchkey.access.ClockTrust;
import org.latchkey.access.RateLimiter;
import org.latchkey.access.RejectionSummary;
import org.latchkey.access.TrustReloader;
import org.latchkey.store.AuditLog;
import org.latchkey.store.RevocationStore;
import org.latchkey.store.OneTimeStore;
import org.latchkey.store.TimeFloor;
import org.tinylog.Logger;

/**
 * The door's parts wired together from a config and a state directory: the one place that does it, for
 * latchkeyd and for the bench, so the bench runs exactly what the daemon runs.
 */
public record DoorAssembly(DoorController controller, AccessGate gate, OneTimeStore store, AuditLog audit,
        ClockTrust clock, RejectionSummary summary) {

    /** The audit log starts a new file beyond this size. */
    static final long AUDIT_ROTATE_BYTES = 4L * 1024 * 1024;

    /**
     * @param syncFlag the file whose presence says the clock is NTP-synchronised
     * @param clockAssumedSynced count the clock as synchronised anyway (an RTC declared, a simulated door)
     */
    public static DoorAssembly assemble(DeviceConfig config, Path state, Scheduler scheduler, InstantSource wall,
            Path syncFlag, boolean clockAssumedSynced) throws IOException {
        TimeFloor floor = TimeFloor.open(state);
        ClockTrust clock = new ClockTrust(wall, floor, syncFlag, config.batteryBackedRtc() || clockAssumedSynced,
                config.clock().skew());
        OneTimeStore store = OneTimeStore.open(state, floor.get(), config.clock().skew());
        DoorController[] door = new DoorController[1];
        AuditLog audit = AuditLog.open(state, AUDIT_ROTATE_BYTES, wall, e -> {
            Logger.error("audit log cannot be written: {}", e.getMessage());
            if (door[0] != null) {
                door[0].post(new DoorEvent.StoreHealth(false));
            }
        });
        DoorController controller = new DoorController(config.door(), scheduler, store, audit, wall);
        door[0] = controller;
        TrustReloader trust = new TrustReloader(config, wall, scheduler::elapsed, controller::record);
        RevocationStore revocations = RevocationStore.open(state, trust::revocationVerifier);
        RejectionSummary summary = new RejectionSummary();
        AccessGate gate = new AccessGate(trust::verifier, controller, store, revocations, clock,
                new RateLimiter(config.api().rejectionsPerSecond(), scheduler::elapsed), summary,
                config.door().cameraReadyWait().plus(Duration.ofSeconds(10)));
        return new DoorAssembly(controller, gate, store, audit, clock, summary);
    }
}
