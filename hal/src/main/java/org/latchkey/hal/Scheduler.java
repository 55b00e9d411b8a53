package org.latchkey.hal;

import java.time.Duration;

/**
 * Runs a task after a delay, on monotonic time. Injected so that tests and the fast bench run on
 * virtual time ({@link ManualScheduler}) while a real door uses {@link RealScheduler}.
 */
public interface Scheduler {
    Cancellable schedule(Duration delay, Runnable task);

    /** Time since the scheduler started: monotonic, never wall-clock. */
    Duration elapsed();

    @FunctionalInterface
    interface Cancellable {
        void cancel();
    }
}
