package org.latchkey.mqtt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

class OutboxTest {
    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static List<String> drain(Outbox o) throws InterruptedException {
        List<String> out = new ArrayList<>();
        o.open(true);
        while (o.queued() > 0 || out.isEmpty()) {
            switch (o.take().orElseThrow()) {
                case Outbox.Item.Due d -> out.add("due:" + d.topic());
                case Outbox.Item.Queued q ->
                        out.add(new String(q.event().payload(), StandardCharsets.UTF_8));
            }
            if (o.queued() == 0 && !out.isEmpty()) {
                break;
            }
        }
        return out;
    }

    @Test
    void whileTheBrokerIsAway_theOldestEventsGoFirst_counted_andTheStateIsSentOnce()
            throws Exception {
        Outbox o = new Outbox(3);
        o.due("state");
        for (int i = 1; i <= 5; i++) {
            o.event("events", b("e" + i));
            o.due("state"); // a change per event: still one state to send
        }
        assertEquals(2, o.dropped());
        assertEquals(List.of("due:state", "e3", "e4", "e5"), drain(o));
    }

    @Test
    void afterAReconnect_availabilityDiscoveryAndStateGoFirst() throws Exception {
        Outbox o = new Outbox(10);
        o.due("state");
        o.event("events", b("e1"));
        o.dueFirst(List.of("availability", "config", "state"));
        o.open(true);
        assertEquals("availability", ((Outbox.Item.Due) o.take().orElseThrow()).topic());
        assertEquals("config", ((Outbox.Item.Due) o.take().orElseThrow()).topic());
        assertEquals("state", ((Outbox.Item.Due) o.take().orElseThrow()).topic());
        assertTrue(o.take().orElseThrow() instanceof Outbox.Item.Queued);
    }

    @Test
    void aFailedSend_goesBackToTheFront() throws Exception {
        Outbox o = new Outbox(10);
        o.event("events", b("e1"));
        o.event("events", b("e2"));
        o.open(true);
        Outbox.Item first = o.take().orElseThrow();
        o.putBack(first);
        assertEquals(List.of("e1", "e2"), drain(o));
    }
}
