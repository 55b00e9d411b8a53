package org.latchkey.hal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

class ManualSchedulerTest {
    @Test
    void advance_runsDueTasksInOrder_includingOnesTheyScheduled_andCancelledOnesNever() {
        ManualScheduler s = new ManualScheduler();
        List<String> ran = new ArrayList<>();
        s.schedule(Duration.ofSeconds(2), () -> ran.add("b@" + s.elapsed().toSeconds()));
        s.schedule(
                Duration.ofSeconds(1),
                () -> {
                    ran.add("a@" + s.elapsed().toSeconds());
                    s.schedule(
                            Duration.ofMillis(500), () -> ran.add("a2@" + s.elapsed().toMillis()));
                });
        Scheduler.Cancellable c = s.schedule(Duration.ofSeconds(1), () -> ran.add("cancelled"));
        c.cancel();
        s.advance(Duration.ofMillis(1999));
        assertEquals(List.of("a@1", "a2@1500"), ran);
        s.advance(Duration.ofMillis(1));
        assertEquals(List.of("a@1", "a2@1500", "b@2"), ran);
        assertEquals(Duration.ofSeconds(2), s.elapsed());
    }
}
