package org.latchkey.door;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

class StoreHealthTest {
    private static DoorEvent alarm(boolean on) {
        return new DoorEvent.ConditionChanged(Condition.STORE_UNAVAILABLE, on);
    }

    @Test
    void onePartRecovering_neverClearsTheAlarm_whileAnotherStillFails() {
        List<DoorEvent> posted = new ArrayList<>();
        StoreHealth health = new StoreHealth();
        health.attach(posted::add);
        health.failed(StoreHealth.Part.AUDIT_LOG);
        health.failed(StoreHealth.Part.ONE_TIME_STORE);
        health.ok(StoreHealth.Part.ONE_TIME_STORE); // an owner's once token was written
        assertEquals(List.of(alarm(true)), posted, "raised once, not cleared");
        assertEquals(Set.of(StoreHealth.Part.AUDIT_LOG), health.failing());
        health.ok(StoreHealth.Part.AUDIT_LOG);
        assertEquals(List.of(alarm(true), alarm(false)), posted);
        health.ok(StoreHealth.Part.TIME_FLOOR); // nothing was failing: nothing to say
        assertEquals(2, posted.size());
    }
}
