package org.latchkey.mqtt;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.latchkey.door.Alarm;
import org.latchkey.token.Json;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Home Assistant's MQTT discovery for one door: a lock, the door contact, one problem sensor per
 * alarm, the last access and an access event, all on one device and all unavailable while the door
 * is offline. Field names are those of Home Assistant's MQTT lock, binary_sensor, sensor and event
 * documentation, written out in full. Published retained; again when Home Assistant says {@code
 * online}.
 */
public final class Discovery {
    /** One retained config message. */
    public record Config(String topic, ObjectNode payload) {}

    private final MqttTopics topics;
    private final String discoveryPrefix;
    private final String lockId;
    private final String node;
    private final String version;

    /**
     * @param version the daemon's version, shown as the device's software
     */
    public Discovery(MqttTopics topics, String discoveryPrefix, String lockId, String version) {
        this.topics = topics;
        this.discoveryPrefix = discoveryPrefix;
        this.lockId = lockId;
        this.node = "latchkey_" + lockId.replaceAll("[^A-Za-z0-9_-]", "_");
        this.version = version;
    }

    /** Every entity's config message, in a fixed order. */
    public List<Config> configs() {
        List<Config> out = new ArrayList<>();
        out.add(lock());
        out.add(door());
        for (Alarm a : Alarm.values()) {
            out.add(alarm(a));
        }
        out.add(lastAccess());
        out.add(accessEvent());
        out.add(inbound());
        return out;
    }

    /** The entity's unique id: stable for the life of the door (its lock id and the entity). */
    String uniqueId(String object) {
        return node + "_" + object;
    }

    private Config config(String component, String object, ObjectNode payload) {
        payload.put("unique_id", uniqueId(object));
        payload.put("availability_topic", topics.availability());
        payload.put("payload_available", "online");
        payload.put("payload_not_available", "offline");
        payload.set("device", device());
        payload.set("origin", origin());
        return new Config(
                discoveryPrefix + "/" + component + "/" + node + "/" + object + "/config", payload);
    }

    private Config lock() {
        ObjectNode o = Json.object();
        o.putNull("name"); // the device's name: "latchkey front-door"
        o.put("command_topic", topics.command());
        o.put("payload_lock", "LOCK");
        // Home Assistant shows an Unlock control on every lock; the door refuses it and audits it.
        o.put("payload_unlock", "UNLOCK");
        o.put("state_topic", topics.state());
        o.put("value_template", "{{ value_json.lock }}");
        o.put("state_locked", "locked");
        o.put("state_unlocked", "unlocked");
        o.put("state_locking", "locking");
        o.put("state_unlocking", "unlocking");
        o.put("state_jammed", "jammed");
        o.put("state_open", "open");
        o.put("state_opening", "opening");
        o.put("json_attributes_topic", topics.state());
        o.put("optimistic", false);
        o.put("retain", false); // a retained LOCK would be replayed; the door ignores it anyway
        o.put("qos", 1);
        return config("lock", "lock", o);
    }

    private Config door() {
        ObjectNode o = Json.object();
        o.put("name", "Door");
        o.put("device_class", "door");
        o.put("state_topic", topics.state());
        o.put("value_template", "{{ 'ON' if value_json.door == 'OPEN' else 'OFF' }}");
        o.put("payload_on", "ON");
        o.put("payload_off", "OFF");
        o.put("qos", 1);
        return config("binary_sensor", "door", o);
    }

    private Config alarm(Alarm a) {
        String object = a.name().toLowerCase(Locale.ROOT);
        ObjectNode o = Json.object();
        o.put("name", alarmName(a));
        o.put("device_class", a == Alarm.DOOR_FORCED_OPEN ? "tamper" : "problem");
        if (diagnostic(a)) {
            o.put("entity_category", "diagnostic");
        }
        o.put("state_topic", topics.state());
        o.put("value_template", "{{ 'ON' if '" + a.name() + "' in value_json.alarms else 'OFF' }}");
        o.put("payload_on", "ON");
        o.put("payload_off", "OFF");
        o.put("qos", 1);
        return config("binary_sensor", object, o);
    }

    /** About the device itself rather than the door: Home Assistant files them as diagnostics. */
    private static boolean diagnostic(Alarm a) {
        return switch (a) {
            case DOOR_FORCED_OPEN, DOOR_AJAR, LOCK_JAMMED -> false;
            case CAMERA_FAULT,
                    CLOCK_UNTRUSTED,
                    STORE_UNAVAILABLE,
                    STATE_DAMAGED,
                    REVOCATION_SIGNER_UNTRUSTED,
                    FEEDBACK_FAULT ->
                    true;
        };
    }

    static String alarmName(Alarm a) {
        return switch (a) {
            case DOOR_FORCED_OPEN -> "Forced entry";
            case DOOR_AJAR -> "Door ajar";
            case LOCK_JAMMED -> "Lock jammed";
            case CAMERA_FAULT -> "Camera fault";
            case CLOCK_UNTRUSTED -> "Clock untrusted";
            case STORE_UNAVAILABLE -> "State storage unavailable";
            case STATE_DAMAGED -> "State damaged";
            case REVOCATION_SIGNER_UNTRUSTED -> "Revocation signer untrusted";
            case FEEDBACK_FAULT -> "Door lights or buzzer fault";
        };
    }

    /**
     * The bridge's own health: on when the door cannot prove it still receives what the broker
     * sends it (commands, tokens, revocation lists), with why as an attribute.
     */
    private Config inbound() {
        ObjectNode o = Json.object();
        o.put("name", "MQTT inbound");
        o.put("device_class", "problem");
        o.put("entity_category", "diagnostic");
        o.put("state_topic", topics.state());
        o.put(
                "value_template",
                "{{ 'OFF' if value_json.mqtt is defined and value_json.mqtt.inbound == 'ok' else"
                        + " 'ON' }}");
        o.put("json_attributes_topic", topics.state());
        o.put("json_attributes_template", "{{ value_json.mqtt | tojson }}");
        o.put("payload_on", "ON");
        o.put("payload_off", "OFF");
        o.put("qos", 1);
        return config("binary_sensor", "mqtt_inbound", o);
    }

    private Config lastAccess() {
        ObjectNode o = Json.object();
        o.put("name", "Last access");
        o.put("icon", "mdi:account-key");
        o.put("state_topic", topics.lastAccess());
        o.put("value_template", "{{ value_json.who }}");
        o.put("json_attributes_topic", topics.lastAccess());
        o.put("qos", 1);
        return config("sensor", "last_access", o);
    }

    private Config accessEvent() {
        ObjectNode o = Json.object();
        o.put("name", "Access");
        o.put("state_topic", topics.access());
        ArrayNode types = o.putArray("event_types");
        types.add("granted");
        types.add("refused");
        o.put("qos", 1);
        return config("event", "access", o);
    }

    private ObjectNode device() {
        ObjectNode d = Json.object();
        d.putArray("identifiers").add(node);
        d.put("name", "latchkey " + lockId);
        d.put("manufacturer", "latchkey");
        d.put("model", "latchkey door controller");
        d.put("sw_version", version);
        return d;
    }

    private ObjectNode origin() {
        ObjectNode o = Json.object();
        o.put("name", "latchkey");
        o.put("sw_version", version);
        return o;
    }
}
