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
import java.util.concurrent.atomic.AtomicReference;
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

    /** What of the door's state the show last followed (set on the door's thread). */
    private final AtomicReference<FeedbackShow.Follows> followed = new AtomicReference<>();

    // Guarded by 'this' (the scheduler's thread, and stop()).
    private FeedbackShow show;
    private final Set<Signal> shown = EnumSet.noneOf(Signal.class);
    private final Set<Signal> failing = EnumSet.noneOf(Signal.class);
    private Optional<Scheduler.Cancellable> wake = Optional.empty();

    /** Whether FEEDBACK_FAULT is raised: posted on changes only. */
    private boolean faultRaised;

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

    /**
     * Only a change of what the show follows is handed over: the door reports every event it
     * handles, and a fault alarm raised from here is such an event (a loop, found in review).
     */
    @Override
    public void onStatus(DoorModel model) {
        FeedbackShow.Follows now = FeedbackShow.Follows.of(model);
        if (!now.equals(followed.getAndSet(now))) {
            later(() -> show = show.following(model, scheduler.elapsed()));
        }
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

    /** A failing output is tried again this often, so the alarm clears when its line comes back. */
    static final Duration RETRY = Duration.ofSeconds(5);

    /**
     * Sets the outputs as the show has them at {@code now} and wakes at the next change. A wake
     * plays the moment it was planned for, and the next one follows it by the pattern's own step,
     * however late it ran: a busy machine stretches a pattern, it never swallows a beep.
     */
    private synchronized void play(Duration now) {
        if (stopped) {
            return;
        }
        Set<Signal> want = show.on(now);
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
            }
        }
        if (failing.isEmpty() == faultRaised) {
            faultRaised = !failing.isEmpty();
            door.accept(new DoorEvent.ConditionChanged(Condition.FEEDBACK_FAULT, faultRaised));
        }
        wake.ifPresent(Scheduler.Cancellable::cancel);
        Optional<Duration> next = show.nextChange(now);
        if (!failing.isEmpty() && (next.isEmpty() || next.get().minus(now).compareTo(RETRY) > 0)) {
            next = Optional.of(now.plus(RETRY));
        }
        wake = next.map(at -> scheduler.schedule(at.minus(now), () -> play(at)));
    }
}
