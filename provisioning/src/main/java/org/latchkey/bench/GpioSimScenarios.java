package org.latchkey.bench;

import static org.latchkey.bench.Scenarios.alarm;
import static org.latchkey.bench.Scenarios.expect;
import static org.latchkey.bench.Scenarios.expectState;

import org.latchkey.hal.HalConfig;
import org.latchkey.hal.Level;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Stories only a real GPIO chip can tell: a bouncing reed switch against the kernel's edge events
 * and Pi4J's debounce, and a cut wire left to the pull-up the door's line request set.
 */
final class GpioSimScenarios {
    /** Toggles of one bouncing opening: odd, so the contact ends open. */
    static final int BOUNCES = 5;

    /** Bursts that outlast the debounce time prove nothing: try again, this often at most. */
    private static final int TRIES = 5;

    private static final Duration QUIET = Duration.ofMillis(500);

    static final List<Scenarios.Scenario> ALL =
            List.of(
                    new Scenarios.Scenario(
                            "bouncing-contact",
                            "the door is forced open and its reed switch bounces "
                                    + BOUNCES
                                    + " times within the debounce time: one door event, the alarm"
                                    + " (real time)",
                            Scenarios.Setup.NORMAL,
                            BenchKeys.WEDNESDAY_10AM,
                            GpioSimScenarios::bouncingContact,
                            true),
                    new Scenarios.Scenario(
                            "wire-cut",
                            "the door contact's wire is cut while locked: the line floats to the"
                                    + " door's own pull-up and reads OPEN (fail secure): alarm and"
                                    + " camera",
                            Scenarios.Setup.NORMAL,
                            BenchKeys.WEDNESDAY_10AM,
                            GpioSimScenarios::wireCut));

    private GpioSimScenarios() {}

    static Optional<Scenarios.Scenario> named(String name) {
        return ALL.stream().filter(s -> s.name().equals(name)).findFirst();
    }

    /** Every scenario a back-end can play. */
    static List<Scenarios.Scenario> forBackend(BenchDoor.Gpio gpio) {
        return gpio == BenchDoor.Gpio.GPIO_SIM
                ? Stream.concat(Scenarios.ALL.stream(), ALL.stream()).toList()
                : Scenarios.ALL;
    }

    private static GpioSimBackend sim(BenchDoor d) {
        return (GpioSimBackend) d.backend();
    }

    private static void bouncingContact(Scenarios.Run r) throws Exception {
        BenchDoor d = r.door();
        expectState(d, "the door starts locked", "LOCKED");
        GpioSimBackend sim = sim(d);
        GpioSimBackend.Bounce bounce = null;
        for (int attempt = 1; attempt <= TRIES; attempt++) {
            bounce = sim.forceBouncing(BOUNCES, QUIET);
            d.note(
                    "person",
                    "forced; bounced "
                            + BOUNCES
                            + "x in "
                            + millis(bounce.took())
                            + ", try "
                            + attempt);
            d.settle();
            if (bounce.took().compareTo(sim.debounce()) < 0) {
                break;
            }
            // The machine was too slow to bounce within the debounce time: close, settle, again.
            d.shut();
            d.advance(Duration.ofSeconds(2));
        }
        GpioSimBackend.Bounce b = bounce;
        expect(
                BOUNCES + " toggles within the " + sim.debounce().toMillis() + " ms debounce time",
                b.took().compareTo(sim.debounce()) < 0,
                "every burst took longer: the last " + millis(b.took()));
        expect(
                "one door event for "
                        + BOUNCES
                        + " toggles in "
                        + millis(b.took())
                        + " (events: "
                        + b.events()
                        + ")",
                b.doorEvents() == 1,
                b.doorEvents() + " door events");
        expect("the door reads OPEN", d.model().door().name().equals("OPEN"), "it reads CLOSED");
        expect(
                "DOOR_FORCED_OPEN raised",
                alarm(d, "DOOR_FORCED_OPEN"),
                "alarms " + d.model().alarms());
        d.shut();
        d.advance(Duration.ofSeconds(5));
        expectState(d, "locked once closed", "LOCKED");
    }

    private static void wireCut(Scenarios.Run r) throws Exception {
        BenchDoor d = r.door();
        expectState(d, "the door starts locked", "LOCKED");
        GpioSimBackend sim = sim(d);
        expect(
                "the door's request put a pull-up on the contact's line",
                sim.contactBias().equals(Optional.of(Level.HIGH)),
                "the line's bias is " + sim.contactBias().map(Level::name).orElse("unknown"));
        d.inject(HalConfig.Fault.CONTACT_CUT);
        expect(
                "the cut contact reads OPEN",
                d.model().door().name().equals("OPEN"),
                "it reads " + d.model().door());
        expect(
                "DOOR_FORCED_OPEN raised",
                alarm(d, "DOOR_FORCED_OPEN"),
                "alarms " + d.model().alarms());
        expect("the camera records", d.model().camera().recording(), "the camera is off");
        d.advance(Duration.ofSeconds(5));
        expect(
                "the bolt stays thrown",
                d.backend().boltThrown() && d.model().bolt().name().equals("LOCKED"),
                "the bolt is " + d.model().bolt());
    }

    private static String millis(Duration d) {
        return String.format(java.util.Locale.ROOT, "%.2f ms", d.toNanos() / 1e6);
    }
}
