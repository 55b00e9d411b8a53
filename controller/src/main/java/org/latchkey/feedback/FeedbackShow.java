package org.latchkey.feedback;

import org.latchkey.door.Alarm;
import org.latchkey.door.DoorModel;
import org.latchkey.door.Phase;
import org.latchkey.hal.Indicators.Signal;

import java.time.Duration;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

/**
 * What the door shows at a moment, as a value: the last answer's pattern, the door's own state
 * (green while unlocked for a grant; the red help blink while it is jammed, cannot store, or cannot
 * trust its clock), and the siren after a forced entry. Every output is on when any part wants it.
 * Times are on the player's monotonic clock.
 *
 * @param answer the last answer's pattern and when it started
 * @param helpSince when the door began to need help, if it does
 * @param sirenSince when the siren started, if it sounds
 * @param siren how long it sounds
 */
public record FeedbackShow(
        boolean unlocked,
        Optional<Played> answer,
        Optional<Duration> helpSince,
        Optional<Duration> sirenSince,
        Duration siren) {

    /** A pattern started at {@code since}. */
    public record Played(Pattern pattern, Duration since) {}

    /** Alarms a courier's scan cannot fix: the door needs a person who can. */
    static final Set<Alarm> NEEDS_HELP =
            EnumSet.of(Alarm.LOCK_JAMMED, Alarm.STORE_UNAVAILABLE, Alarm.CLOCK_UNTRUSTED);

    public static FeedbackShow dark(Duration siren) {
        return new FeedbackShow(false, Optional.empty(), Optional.empty(), Optional.empty(), siren);
    }

    /** The show after an answer at {@code now}: it replaces the one before. */
    public FeedbackShow answered(Answer a, Duration now) {
        return new FeedbackShow(
                unlocked,
                Optional.of(new Played(Pattern.answering(a), now)),
                helpSince,
                sirenSince,
                siren);
    }

    /** What the show follows of the door's state: nothing else of it changes a light. */
    public record Follows(boolean unlocked, boolean needsHelp, boolean forced) {
        public static Follows of(DoorModel m) {
            return new Follows(
                    m.phase() instanceof Phase.Unlocked || m.phase() instanceof Phase.Unlocking,
                    m.alarms().stream().anyMatch(NEEDS_HELP::contains),
                    m.alarms().contains(Alarm.DOOR_FORCED_OPEN));
        }
    }

    /** The show after the door's state changed to {@code m} at {@code now}. */
    public FeedbackShow following(DoorModel m, Duration now) {
        Follows f = Follows.of(m);
        Optional<Duration> helpFrom =
                f.needsHelp() ? Optional.of(helpSince.orElse(now)) : Optional.<Duration>empty();
        Optional<Duration> sirenFrom =
                f.forced() && siren.isPositive()
                        ? Optional.of(sirenSince.orElse(now))
                        : Optional.<Duration>empty();
        return new FeedbackShow(f.unlocked(), answer, helpFrom, sirenFrom, siren);
    }

    /** The outputs on at {@code now}. */
    public Set<Signal> on(Duration now) {
        Set<Signal> on = EnumSet.noneOf(Signal.class);
        if (unlocked) {
            on.add(Signal.GREEN);
        }
        for (Signal s : Signal.values()) {
            if (answer.filter(p -> playing(p, now))
                            .filter(p -> p.pattern().on(s, now.minus(p.since())))
                            .isPresent()
                    || helpSince.filter(h -> Pattern.NEEDS_HELP.on(s, now.minus(h))).isPresent()
                    || sirenSince
                            .filter(h -> sirenSounds(h, now))
                            .filter(h -> Pattern.SIREN.on(s, now.minus(h)))
                            .isPresent()) {
                on.add(s);
            }
        }
        return on;
    }

    /** When the outputs may next change without a new answer or state: the player wakes then. */
    public Optional<Duration> nextChange(Duration now) {
        Optional<Duration> next = Optional.empty();
        if (answer.isPresent() && playing(answer.get(), now)) {
            Played p = answer.get();
            next =
                    earliest(
                            next,
                            p.pattern().nextChange(now.minus(p.since())).map(p.since()::plus));
        }
        if (helpSince.isPresent()) {
            next =
                    earliest(
                            next,
                            Pattern.NEEDS_HELP
                                    .nextChange(now.minus(helpSince.get()))
                                    .map(helpSince.get()::plus));
        }
        if (sirenSince.isPresent() && sirenSounds(sirenSince.get(), now)) {
            Duration from = sirenSince.get();
            Duration end = from.plus(siren);
            next =
                    earliest(
                            next,
                            Pattern.SIREN
                                    .nextChange(now.minus(from))
                                    .map(from::plus)
                                    .map(t -> t.compareTo(end) < 0 ? t : end));
        }
        return next;
    }

    private static boolean playing(Played p, Duration now) {
        return now.compareTo(p.since().plus(p.pattern().length())) < 0;
    }

    private boolean sirenSounds(Duration since, Duration now) {
        return now.compareTo(since.plus(siren)) < 0;
    }

    private static Optional<Duration> earliest(Optional<Duration> a, Optional<Duration> b) {
        if (a.isEmpty()) {
            return b;
        }
        if (b.isEmpty()) {
            return a;
        }
        return Optional.of(a.get().compareTo(b.get()) <= 0 ? a.get() : b.get());
    }
}
