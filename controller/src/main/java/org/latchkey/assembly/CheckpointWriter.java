package org.latchkey.assembly;

import org.latchkey.audit.AuditLog;
import org.latchkey.audit.Checkpoints;
import org.latchkey.door.AuditRecord;
import org.latchkey.door.DoorController;
import org.latchkey.door.DoorModel;
import org.latchkey.hal.Scheduler;
import org.latchkey.token.SigningKey;

import java.time.Duration;
import java.time.InstantSource;
import java.util.Optional;

/**
 * Appends a signed checkpoint over the audit chain's head after every {@link
 * Checkpoints#EVERY_RECORDS} records, every {@link #PERIOD} while records come, and at shutdown.
 * Written from the scheduler, never from inside the notification of another record, so that the
 * records reach every observer (the event stream, MQTT) in seq order.
 */
final class CheckpointWriter implements DoorController.Observer {
    /** …and at least this often while anything was recorded. */
    static final Duration PERIOD = Duration.ofMinutes(10);

    private final SigningKey key;
    private final AuditLog audit;
    private final DoorController door;
    private final Scheduler scheduler;
    private final InstantSource wall;
    private int since;
    private boolean queued;

    CheckpointWriter(
            SigningKey key,
            AuditLog audit,
            DoorController door,
            Scheduler scheduler,
            InstantSource wall) {
        this.key = key;
        this.audit = audit;
        this.door = door;
        this.scheduler = scheduler;
        this.wall = wall;
    }

    @Override
    public void onStatus(DoorModel model) {}

    @Override
    public synchronized void onRecord(AuditRecord record, Optional<String> line) {
        if (record instanceof AuditRecord.Checkpoint) {
            since = 0;
            return;
        }
        if (line.isPresent() && ++since >= Checkpoints.EVERY_RECORDS && !queued) {
            queued = true;
            scheduler.schedule(Duration.ZERO, this::write);
        }
    }

    /** A checkpoint now, if anything was recorded since the last one. */
    void write() {
        synchronized (this) {
            queued = false;
            if (since == 0) {
                return;
            }
        }
        audit.head()
                .ifPresent(
                        h -> door.record(Checkpoints.sign(key, h.seq(), h.hash(), wall.instant())));
    }
}
