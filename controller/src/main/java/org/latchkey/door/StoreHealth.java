package org.latchkey.door;

import java.util.EnumSet;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The parts of the state directory the door writes, and which of them fail right now. The
 * STORE_UNAVAILABLE alarm stands while any part fails: one part recovering (a once token written)
 * never clears it while another (the audit log) is still down.
 */
public final class StoreHealth {
    /** What can fail on its own. */
    public enum Part {
        AUDIT_LOG,
        ONE_TIME_STORE,
        TIME_FLOOR,
        MODE_FILE,
        REVOCATIONS
    }

    private final Set<Part> failing = EnumSet.noneOf(Part.class);
    private volatile Consumer<DoorEvent> door = e -> {};

    /** Where the alarm goes: the door's queue. */
    public void attach(Consumer<DoorEvent> door) {
        this.door = door;
    }

    public void failed(Part part) {
        boolean raise;
        synchronized (this) {
            raise = failing.isEmpty();
            failing.add(part);
        }
        if (raise) {
            door.accept(new DoorEvent.ConditionChanged(Condition.STORE_UNAVAILABLE, true));
        }
    }

    public void ok(Part part) {
        boolean clear;
        synchronized (this) {
            clear = failing.remove(part) && failing.isEmpty();
        }
        if (clear) {
            door.accept(new DoorEvent.ConditionChanged(Condition.STORE_UNAVAILABLE, false));
        }
    }

    public synchronized Set<Part> failing() {
        return failing.isEmpty() ? Set.of() : EnumSet.copyOf(failing);
    }
}
