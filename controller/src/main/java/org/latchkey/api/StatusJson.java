package org.latchkey.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.latchkey.door.Alarm;
import org.latchkey.door.DoorModel;
import org.latchkey.token.Json;

/** The door at a glance, as {@code GET /v1/status} and the event stream show it. */
public final class StatusJson {
    private StatusJson() {}

    public static ObjectNode of(DoorModel m, boolean clockTrusted, boolean simulated) {
        ObjectNode o = Json.MAPPER.createObjectNode();
        o.put("state", m.stateName());
        o.put("door", m.door().name());
        o.put("bolt", m.bolt().name());
        ObjectNode camera = o.putObject("camera");
        camera.put("recording", m.cameraOn());
        camera.put("ready", m.cameraReady());
        o.put("mode", m.mode().name());
        o.putObject("clock").put("trusted", clockTrusted);
        ArrayNode alarms = o.putArray("alarms");
        for (Alarm a : m.alarms()) {
            alarms.add(a.name());
        }
        o.put("simulated", simulated);
        return o;
    }
}
