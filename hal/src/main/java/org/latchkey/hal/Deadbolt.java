package org.latchkey.hal;

/**
 * The motorised deadbolt. {@link #lock()} and {@link #unlock()} start a motion and return at once;
 * the position is {@link BoltPosition#MOVING} until the travel time has passed, then a {@link
 * HardwareEvent.BoltSettled} reports where the bolt ended up. A new command replaces one in
 * progress.
 */
public interface Deadbolt {
    void lock();

    void unlock();

    BoltPosition position();

    /** Whether a bolt-position switch confirms the position (without one, arrival is assumed). */
    boolean hasPositionSwitch();
}
