package org.latchkey.hal;

/**
 * Receives hardware events. It may be called on a hardware runtime thread: it must only hand the
 * event over (to a queue) and return at once.
 */
@FunctionalInterface
public interface HardwareListener {
    void onEvent(HardwareEvent event);
}
