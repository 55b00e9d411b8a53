package org.latchkey.feedback;

import org.latchkey.door.AuditRecord;
import org.latchkey.door.Condition;
import org.latchkey.door.DoorController;
import org.latchkey.door.DoorEvent;
import org.latchkey.door.DoorModel;
import org.latchkey.hal.HalException;
import org.latchkey.hal.Indicators;
import org.latchkey.hal.Indicators.Signal;
import org.latchkey.hal.Scheduler;
import org.tinylog.Logger;

import java.time.Duration;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Plays {@link FeedbackShow} on the door's lights and buzzer. Everything happens on its own
 * scheduler: answers and state changes are handed over, never waited for, so feedback cannot delay
 * the door's loop or a reader. An output that fails is logged and raises {@code FEEDBACK_FAULT}
 * (cleared when every output works again); it never stops a grant or a relock.
 */
public final class FeedbackPlayer implements DoorController.Observer, Consumer<Answer> {
    private final Indicators outputs;
    private final Scheduler scheduler;
    private final Consumer<DoorEvent> door;

    // Guarded by 'this' (the scheduler's thread, and stop()).
    private FeedbackShow show;
    private final Set<Signal> shown = EnumSet.noneOf(Signal.class);
    private final Set<Signal> failing = EnumSet.noneOf(Signal.class);
    private Optional<Scheduler.Cancellable> wake = Optional.empty();
    private boolean failedBefore;
    private boolean stopped;

    /**
     * @param siren how long the siren sounds after a forced entry (zero: never)
     * @param door where the fault alarm goes (the controller's queue)
     */
    public FeedbackPlayer(
            Indicators outputs, Duration siren, Scheduler scheduler, Consumer<DoorEvent> door) {
        this.outputs = outputs;
        this.scheduler = scheduler;
        this.door = door;
        this.show = FeedbackShow.dark(siren);
    }

    /** The answer a reader got: its pattern replaces the one before. */
    @Override
    public void accept(Answer answer) {
        later(() -> show = show.answered(answer, scheduler.elapsed()));
    }

    @Override
    public void onStatus(DoorModel model) {
        later(() -> show = show.following(model, scheduler.elapsed()));
    }

    @Override
    public void onRecord(AuditRecord record, Optional<String> line) {}

    private void later(Runnable change) {
        if (outputs.fitted().isEmpty()) {
            return;
        }
        scheduler.schedule(
                Duration.ZERO,
                () -> {
                    synchronized (this) {
                        change.run();
                        play(scheduler.elapsed());
                    }
                });
    }

    /**
     * No output changes after this returns (the hardware's close then turns them off); called
     * before the hardware is released.
     */
    public synchronized void stop() {
        stopped = true;
        wake.ifPresent(Scheduler.Cancellable::cancel);
    }

    /**
     * Sets the outputs as the show has them at {@code now} and wakes at the next change. A wake
     * plays the moment it was planned for, however late it runs: a busy machine shifts a beep, it
     * never swallows one (two short beeps stay two).
     */
    private synchronized void play(Duration now) {
        if (stopped) {
            return;
        }
        Set<Signal> want = show.on(now);
        boolean failed = false;
        for (Signal s : outputs.fitted()) {
            boolean on = want.contains(s);
            if (on == shown.contains(s) && !failing.contains(s)) {
                continue;
            }
            try {
                outputs.set(s, on);
                if (on) {
                    shown.add(s);
                } else {
                    shown.remove(s);
                }
                if (failing.remove(s)) {
                    Logger.info("the {} output works again", s.configName());
                }
            } catch (HalException | RuntimeException e) {
                if (failing.add(s)) {
                    Logger.error("the {} output failed: {}", s.configName(), e.getMessage());
                }
                failed = true;
            }
        }
        if (failed || !failing.isEmpty()) {
            door.accept(new DoorEvent.ConditionChanged(Condition.FEEDBACK_FAULT, true));
        } else if (failedBefore) {
            door.accept(new DoorEvent.ConditionChanged(Condition.FEEDBACK_FAULT, false));
        }
        failedBefore = !failing.isEmpty();
        wake.ifPresent(Scheduler.Cancellable::cancel);
        Duration late = scheduler.elapsed();
        wake =
                show.nextChange(now)
                        .map(
                                at ->
                                        scheduler.schedule(
                                                at.compareTo(late) > 0
                                                        ? at.minus(late)
                                                        : Duration.ZERO,
                                                () -> play(at)));
    }
}
