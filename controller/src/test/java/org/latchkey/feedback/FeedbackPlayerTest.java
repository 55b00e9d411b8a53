package org.latchkey.feedback;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.latchkey.door.Alarm;
import org.latchkey.door.CameraState;
import org.latchkey.door.Condition;
import org.latchkey.door.DoorEvent;
import org.latchkey.door.DoorModel;
import org.latchkey.door.Mode;
import org.latchkey.door.Phase;
import org.latchkey.hal.BoltPosition;
import org.latchkey.hal.DoorState;
import org.latchkey.hal.HalException;
import org.latchkey.hal.Indicators;
import org.latchkey.hal.Indicators.Signal;
import org.latchkey.hal.ManualScheduler;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/** The player on virtual time, writing to outputs that record every change. */
class FeedbackPlayerTest {
    final ManualScheduler clock = new ManualScheduler();
    final List<String> writes = new ArrayList<>();
    final List<DoorEvent> posted = new ArrayList<>();
    final Set<Signal> broken = EnumSet.noneOf(Signal.class);

    final Indicators outputs =
            new Indicators() {
                final Set<Signal> on = EnumSet.noneOf(Signal.class);

                @Override
                public Set<Signal> fitted() {
                    return EnumSet.allOf(Signal.class);
                }

                @Override
                public void set(Signal s, boolean level) throws HalException {
                    if (broken.contains(s)) {
                        throw new HalException("line lost");
                    }
                    writes.add(
                            clock.elapsed().toMillis()
                                    + " "
                                    + s.configName()
                                    + (level ? " on" : " off"));
                    if (level) {
                        on.add(s);
                    } else {
                        on.remove(s);
                    }
                }

                @Override
                public boolean isOn(Signal s) {
                    return on.contains(s);
                }
            };

    final FeedbackPlayer player =
            new FeedbackPlayer(outputs, Duration.ofSeconds(2), clock, posted::add);

    @Test
    void granted_twoShortBeeps_andGreenWhileUnlocked() {
        player.accept(Answer.GRANTED);
        player.onStatus(model(new Phase.Unlocked(null, false, false), Set.of()));
        clock.advance(Duration.ofSeconds(5));
        player.onStatus(model(new Phase.Locked(), Set.of()));
        clock.advance(Duration.ofSeconds(1));
        assertEquals(
                List.of(
                        "0 buzzer on",
                        "0 green on",
                        "100 buzzer off",
                        "200 buzzer on",
                        "300 buzzer off",
                        "5000 green off"),
                writes);
    }

    @Test
    void refused_redForASecond_threeBeeps() {
        player.accept(Answer.REFUSED);
        clock.advance(Duration.ofSeconds(3));
        assertEquals(
                List.of(
                        "0 red on",
                        "0 buzzer on",
                        "100 buzzer off",
                        "200 buzzer on",
                        "300 buzzer off",
                        "400 buzzer on",
                        "500 buzzer off",
                        "1000 red off"),
                writes);
    }

    @Test
    void aNewAnswer_replacesThePatternBeingPlayed() {
        player.accept(Answer.REFUSED);
        clock.advance(Duration.ofMillis(150));
        player.accept(Answer.TRY_AGAIN);
        clock.advance(Duration.ofSeconds(3));
        assertEquals(
                List.of(
                                "0 red on",
                                "0 buzzer on",
                                "100 buzzer off",
                                "400 red off",
                                "800 red on",
                                "1200 red off")
                        .stream()
                        .map(w -> w.startsWith("0 ") || w.startsWith("100 ") ? w : shift(w, 150))
                        .toList(),
                writes);
    }

    @Test
    void aJammedBolt_blinksRedEveryThreeSeconds_whileItLasts() {
        player.onStatus(model(new Phase.Jammed(), Set.of(Alarm.LOCK_JAMMED)));
        clock.advance(Duration.ofMillis(6100));
        player.onStatus(model(new Phase.Locked(), Set.of()));
        clock.advance(Duration.ofSeconds(10));
        assertEquals(
                List.of(
                        "0 red on",
                        "200 red off",
                        "3000 red on",
                        "3200 red off",
                        "6000 red on",
                        "6100 red off"),
                writes);
    }

    @Test
    void forcedEntry_soundsTheSirenForItsTime() {
        player.onStatus(model(new Phase.Unsecured(), Set.of(Alarm.DOOR_FORCED_OPEN)));
        clock.advance(Duration.ofSeconds(10));
        assertEquals(
                List.of("0 buzzer on", "500 buzzer off", "1000 buzzer on", "1500 buzzer off"),
                writes);
    }

    @Test
    void aFailingOutput_raisesTheAlarm_theOthersStillWork_andItClearsWhenTheLineWorks() {
        broken.add(Signal.RED);
        player.accept(Answer.REFUSED);
        clock.advance(Duration.ofMillis(50));
        assertTrue(writes.contains("0 buzzer on"), "the buzzer still sounds: " + writes);
        assertEquals(
                new DoorEvent.ConditionChanged(Condition.FEEDBACK_FAULT, true), posted.getFirst());
        // The door reports every event it handles (the alarm's own among them): no loop, one alarm.
        DoorModel same = model(new Phase.Locked(), Set.of(Alarm.FEEDBACK_FAULT));
        for (int i = 0; i < 100; i++) {
            player.onStatus(same);
            clock.advance(Duration.ZERO);
        }
        clock.advance(Duration.ofSeconds(3));
        assertEquals(
                List.of(new DoorEvent.ConditionChanged(Condition.FEEDBACK_FAULT, true)), posted);
        // The line comes back: the retry finds it, with no new answer, and clears the alarm.
        broken.clear();
        clock.advance(FeedbackPlayer.RETRY);
        assertEquals(
                new DoorEvent.ConditionChanged(Condition.FEEDBACK_FAULT, false), posted.getLast());
        assertEquals(2, posted.size());
    }

    @Test
    void afterStop_nothingChanges() {
        player.accept(Answer.GRANTED);
        clock.advance(Duration.ofMillis(50));
        player.stop();
        clock.advance(Duration.ofSeconds(2));
        player.accept(Answer.REFUSED);
        clock.advance(Duration.ofSeconds(2));
        assertEquals(List.of("0 buzzer on"), writes, "the hardware's close turns it off");
    }

    @Test
    void aLateWake_shiftsABeep_neverSwallowsIt() {
        // Every timer runs 150 ms late, as on a machine that is busy elsewhere.
        org.latchkey.hal.Scheduler slow =
                new org.latchkey.hal.Scheduler() {
                    @Override
                    public Cancellable schedule(Duration delay, Runnable task) {
                        return clock.schedule(delay.isZero() ? delay : delay.plusMillis(150), task);
                    }

                    @Override
                    public Duration elapsed() {
                        return clock.elapsed();
                    }
                };
        FeedbackPlayer late = new FeedbackPlayer(outputs, Duration.ZERO, slow, posted::add);
        late.accept(Answer.GRANTED);
        clock.advance(Duration.ofSeconds(3));
        assertEquals(
                4,
                writes.stream()
                        .filter(w -> w.endsWith("buzzer on") || w.endsWith("buzzer off"))
                        .count(),
                "two beeps, on and off each: " + writes);
    }

    private static String shift(String write, int ms) {
        int space = write.indexOf(' ');
        return (Integer.parseInt(write.substring(0, space)) + ms) + write.substring(space);
    }

    private static DoorModel model(Phase phase, Set<Alarm> alarms) {
        return new DoorModel(
                phase,
                DoorState.CLOSED,
                BoltPosition.LOCKED,
                CameraState.OFF,
                alarms,
                Mode.NORMAL,
                false);
    }
}
