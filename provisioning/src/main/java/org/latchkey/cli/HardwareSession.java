package org.latchkey.cli;

import org.latchkey.config.DeviceConfig;
import org.latchkey.hal.DoorHardware;
import org.latchkey.hal.DoorHardwareFactory;
import org.latchkey.hal.HalException;
import org.latchkey.hal.HardwareEvent;
import org.latchkey.hal.ManualScheduler;
import org.latchkey.hal.RealScheduler;
import org.latchkey.hal.Scheduler;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * The door's hardware opened for a command, with its events in a queue and a way to wait for them:
 * in real time, or on virtual time where waiting runs the scheduler forward instead of sleeping.
 */
final class HardwareSession implements AutoCloseable {
    private final LinkedBlockingQueue<HardwareEvent> events = new LinkedBlockingQueue<>();
    private final Scheduler scheduler;
    private final DoorHardware hardware;

    HardwareSession(DeviceConfig config, CliContext.HardwareTime time) throws HalException {
        this.scheduler =
                time == CliContext.HardwareTime.VIRTUAL
                        ? new ManualScheduler()
                        : new RealScheduler("latchkey-hw");
        try {
            this.hardware = DoorHardwareFactory.open(config.hal(), scheduler, events::add);
        } catch (HalException | RuntimeException e) {
            closeScheduler();
            throw e;
        }
    }

    DoorHardware hardware() {
        return hardware;
    }

    Scheduler scheduler() {
        return scheduler;
    }

    /** The next event, or empty when none arrives within the timeout. */
    Optional<HardwareEvent> next(Duration timeout) throws InterruptedException {
        if (scheduler instanceof ManualScheduler manual) {
            Duration deadline = manual.elapsed().plus(timeout);
            while (events.isEmpty()) {
                Optional<Duration> due = manual.nextDue();
                if (due.isEmpty() || due.get().compareTo(deadline) > 0) {
                    manual.advance(deadline.minus(manual.elapsed()));
                    return Optional.ofNullable(events.poll());
                }
                manual.advance(due.get().minus(manual.elapsed()));
            }
            return Optional.of(events.poll());
        }
        return Optional.ofNullable(
                events.poll(timeout.toNanos(), java.util.concurrent.TimeUnit.NANOSECONDS));
    }

    /** Waits for an event of the given type, dropping others; empty on timeout. */
    <E extends HardwareEvent> Optional<E> await(Class<E> type, Duration timeout)
            throws InterruptedException {
        Duration start = scheduler.elapsed();
        while (true) {
            Duration left = timeout.minus(scheduler.elapsed().minus(start));
            if (left.isNegative() || left.isZero()) {
                return Optional.empty();
            }
            Optional<HardwareEvent> e = next(left);
            if (e.isEmpty()) {
                return Optional.empty();
            }
            if (type.isInstance(e.get())) {
                return Optional.of(type.cast(e.get()));
            }
        }
    }

    @Override
    public void close() {
        try {
            hardware.close();
        } finally {
            closeScheduler();
        }
    }

    private void closeScheduler() {
        if (scheduler instanceof RealScheduler real) {
            real.close();
        }
    }
}
