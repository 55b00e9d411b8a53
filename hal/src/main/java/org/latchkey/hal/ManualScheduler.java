package org.latchkey.hal;

import java.time.Duration;
import java.util.Optional;
import java.util.PriorityQueue;

/**
 * Virtual time: nothing runs until {@link #advance(Duration)} moves the clock, then due tasks run
 * in order on the caller's thread. For tests and the fast bench; a run of hours takes milliseconds.
 */
public final class ManualScheduler implements Scheduler {
    private record Entry(long due, long seq, Runnable task) {}

    private final PriorityQueue<Entry> queue =
            new PriorityQueue<>(
                    (a, b) ->
                            a.due != b.due
                                    ? Long.compare(a.due, b.due)
                                    : Long.compare(a.seq, b.seq));
    private long now;
    private long seq;

    @Override
    public synchronized Cancellable schedule(Duration delay, Runnable task) {
        Entry e = new Entry(now + Math.max(0, delay.toNanos()), seq++, task);
        queue.add(e);
        return () -> {
            synchronized (ManualScheduler.this) {
                queue.remove(e);
            }
        };
    }

    @Override
    public synchronized Duration elapsed() {
        return Duration.ofNanos(now);
    }

    /** When the next task is due, if any. */
    public synchronized Optional<Duration> nextDue() {
        return queue.isEmpty() ? Optional.empty() : Optional.of(Duration.ofNanos(queue.peek().due));
    }

    /** Moves time forward by {@code d}, running every task that falls due on the way, in order. */
    public void advance(Duration d) {
        long target;
        synchronized (this) {
            target = now + d.toNanos();
        }
        advanceTo(target);
    }

    private void advanceTo(long target) {
        while (true) {
            Entry next;
            synchronized (this) {
                next = queue.peek();
                if (next == null || next.due > target) {
                    now = Math.max(now, target);
                    return;
                }
                queue.poll();
                now = Math.max(now, next.due);
            }
            next.task.run(); // outside the lock: tasks may schedule more
        }
    }
}
