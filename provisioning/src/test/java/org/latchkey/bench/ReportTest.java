package org.latchkey.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The bench report's timing diagram: each lane drawn in the colour of what it shows. */
class ReportTest {
    private static final Pattern LANE =
            Pattern.compile(
                    "<text [^>]*>([^<]+)</text><line [^>]*/><path d=\"[^\"]*\" fill=\"none\""
                            + " stroke=\"(#[0-9a-f]{6})\"");

    @Test
    void everyLaneIsDrawnInTheColourOfWhatItShows() {
        List<BenchDoor.Entry> timeline =
                List.of(
                        new BenchDoor.Entry(
                                Duration.ZERO,
                                "start",
                                "",
                                "LOCKED",
                                "LOCKED",
                                "CLOSED",
                                false,
                                List.of(),
                                List.of()),
                        new BenchDoor.Entry(
                                Duration.ofMillis(300),
                                "grant",
                                "",
                                "UNLOCKED",
                                "UNLOCKED",
                                "CLOSED",
                                true,
                                List.of(),
                                List.of("green", "buzzer")),
                        new BenchDoor.Entry(
                                Duration.ofMillis(900),
                                "forced",
                                "",
                                "ALARM",
                                "LOCKED",
                                "OPEN",
                                true,
                                List.of("DOOR_FORCED_OPEN"),
                                List.of("red")));
        Matcher m = LANE.matcher(Report.diagram(timeline));
        Map<String, String> colours = new LinkedHashMap<>();
        while (m.find()) {
            colours.put(m.group(1), m.group(2));
        }
        assertEquals(
                Map.of(
                        "bolt (thrown ↑)", "#1f5fa8",
                        "door (open ↑)", "#1f5fa8",
                        "camera (on ↑)", "#1f5fa8",
                        "green light (on ↑)", "#1e8e3e",
                        "red light (on ↑)", "#b3261e",
                        "buzzer (sounds ↑)", "#6d4c9f",
                        "DOOR_FORCED_OPEN", "#b3261e"),
                colours);
    }
}
