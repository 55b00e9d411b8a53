package org.latchkey.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.latchkey.door.Alarm;
import org.latchkey.door.DoorModel;
import org.latchkey.token.Json;

/** The door at a glance, as {@code GET /v1/status} and the event stream show it. */
public final class StatusJson {
    private StatusJson() {}

    /**
     * @param modeSource where the mode the door started in came from: {@code config} or {@code
     *     persisted}
     */
    public static ObjectNode of(DoorModel m, boolean simulated, String modeSource) {
        ObjectNode o = Json.object();
        o.put("state", m.stateName());
        o.put("door", m.door().name());
        o.put("bolt", m.bolt().name());
        ObjectNode camera = o.putObject("camera");
        camera.put("recording", m.camera().recording());
        camera.put("ready", m.camera().ready());
        o.put("mode", m.mode().name());
        o.put("mode_source", modeSource);
        // Trust as the alarm says: the two always change together (the clock is watched every
        // second, and its alarm raised in the same step its trust goes).
        o.putObject("clock").put("trusted", !m.alarms().contains(Alarm.CLOCK_UNTRUSTED));
        ArrayNode alarms = o.putArray("alarms");
        for (Alarm a : m.alarms()) {
            alarms.add(a.name());
        }
        o.put("simulated", simulated);
        return o;
    }
}
