package org.latchkey.mqtt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The configuration variables Home Assistant's MQTT documentation lists for the platforms the door
 * uses (home-assistant.io source/_integrations/lock.mqtt.markdown, binary_sensor.mqtt.markdown,
 * sensor.mqtt.markdown, event.mqtt.markdown; state_open/state_opening from the MQTT lock schema of
 * Home Assistant core 2024.5+), with their types. A discovery payload may use only these, must have
 * the required ones, and each value must have the documented type.
 */
final class HomeAssistantFields {
    private HomeAssistantFields() {}

    enum Type {
        STRING,
        STRING_OR_NULL,
        BOOLEAN,
        INTEGER,
        LIST,
        MAP
    }

    /** Every platform's common keys: availability, device, identity. */
    private static final Map<String, Type> COMMON =
            Map.ofEntries(
                    Map.entry("availability_topic", Type.STRING),
                    Map.entry("payload_available", Type.STRING),
                    Map.entry("payload_not_available", Type.STRING),
                    Map.entry("availability_mode", Type.STRING),
                    Map.entry("availability_template", Type.STRING),
                    Map.entry("device", Type.MAP),
                    Map.entry("origin", Type.MAP),
                    Map.entry("unique_id", Type.STRING),
                    Map.entry("name", Type.STRING_OR_NULL),
                    Map.entry("icon", Type.STRING),
                    Map.entry("entity_category", Type.STRING),
                    Map.entry("enabled_by_default", Type.BOOLEAN),
                    Map.entry("encoding", Type.STRING),
                    Map.entry("json_attributes_topic", Type.STRING),
                    Map.entry("json_attributes_template", Type.STRING),
                    Map.entry("qos", Type.INTEGER),
                    Map.entry("value_template", Type.STRING));

    private static final Map<String, Map<String, Type>> PLATFORM =
            Map.of(
                    "lock",
                    Map.ofEntries(
                            Map.entry("command_topic", Type.STRING),
                            Map.entry("command_template", Type.STRING),
                            Map.entry("state_topic", Type.STRING),
                            Map.entry("payload_lock", Type.STRING),
                            Map.entry("payload_unlock", Type.STRING),
                            Map.entry("payload_open", Type.STRING),
                            Map.entry("payload_reset", Type.STRING),
                            Map.entry("state_locked", Type.STRING),
                            Map.entry("state_unlocked", Type.STRING),
                            Map.entry("state_locking", Type.STRING),
                            Map.entry("state_unlocking", Type.STRING),
                            Map.entry("state_jammed", Type.STRING),
                            Map.entry("state_open", Type.STRING),
                            Map.entry("state_opening", Type.STRING),
                            Map.entry("optimistic", Type.BOOLEAN),
                            Map.entry("code_format", Type.STRING),
                            Map.entry("retain", Type.BOOLEAN)),
                    "binary_sensor",
                    Map.ofEntries(
                            Map.entry("state_topic", Type.STRING),
                            Map.entry("payload_on", Type.STRING),
                            Map.entry("payload_off", Type.STRING),
                            Map.entry("device_class", Type.STRING),
                            Map.entry("expire_after", Type.INTEGER),
                            Map.entry("force_update", Type.BOOLEAN),
                            Map.entry("off_delay", Type.INTEGER)),
                    "sensor",
                    Map.ofEntries(
                            Map.entry("state_topic", Type.STRING),
                            Map.entry("device_class", Type.STRING),
                            Map.entry("unit_of_measurement", Type.STRING),
                            Map.entry("state_class", Type.STRING),
                            Map.entry("suggested_display_precision", Type.INTEGER),
                            Map.entry("expire_after", Type.INTEGER),
                            Map.entry("force_update", Type.BOOLEAN),
                            Map.entry("options", Type.LIST),
                            Map.entry("last_reset_value_template", Type.STRING)),
                    "event",
                    Map.ofEntries(
                            Map.entry("state_topic", Type.STRING),
                            Map.entry("event_types", Type.LIST),
                            Map.entry("device_class", Type.STRING)));

    private static final Map<String, List<String>> REQUIRED =
            Map.of(
                    "lock", List.of("command_topic"),
                    "binary_sensor", List.of("state_topic"),
                    "sensor", List.of("state_topic"),
                    "event", List.of("state_topic", "event_types"));

    /** Device classes the documentation lists, for the ones the door uses. */
    private static final Map<String, Set<String>> DEVICE_CLASSES =
            Map.of(
                    "binary_sensor", Set.of("door", "problem", "tamper", "lock", "opening"),
                    "event", Set.of("button", "doorbell", "motion"));

    private static final Set<String> DEVICE_KEYS =
            Set.of(
                    "identifiers",
                    "connections",
                    "name",
                    "manufacturer",
                    "model",
                    "model_id",
                    "serial_number",
                    "hw_version",
                    "sw_version",
                    "suggested_area",
                    "configuration_url",
                    "via_device");

    private static final Set<String> ORIGIN_KEYS = Set.of("name", "sw_version", "support_url");

    static void check(String platform, JsonNode c, String where) {
        Map<String, Type> known = PLATFORM.get(platform);
        assertTrue(known != null, "a platform the door uses: " + platform);
        List<String> unknown = new ArrayList<>();
        c.fieldNames()
                .forEachRemaining(
                        k -> {
                            Type t = known.containsKey(k) ? known.get(k) : COMMON.get(k);
                            if (t == null) {
                                unknown.add(k);
                            } else {
                                assertTrue(hasType(c.get(k), t), where + ": " + k + " is a " + t);
                            }
                        });
        assertEquals(List.of(), unknown, where + ": keys Home Assistant does not document");
        for (String r : REQUIRED.get(platform)) {
            assertTrue(c.has(r), where + ": required " + r);
        }
        assertTrue(c.has("unique_id"), where + ": a unique_id (needed for the device registry)");
        if (c.has("device_class") && DEVICE_CLASSES.containsKey(platform)) {
            assertTrue(
                    DEVICE_CLASSES.get(platform).contains(c.get("device_class").asText()),
                    where + ": device_class " + c.get("device_class"));
        }
        if (c.has("entity_category")) {
            assertEquals("diagnostic", c.get("entity_category").asText(), where);
        }
        JsonNode device = c.get("device");
        assertTrue(device != null && device.has("identifiers") && device.has("name"), where);
        device.fieldNames()
                .forEachRemaining(
                        k -> assertTrue(DEVICE_KEYS.contains(k), where + ": device." + k));
        JsonNode origin = c.get("origin");
        assertTrue(origin != null && origin.has("name"), where + ": origin.name");
        origin.fieldNames()
                .forEachRemaining(
                        k -> assertTrue(ORIGIN_KEYS.contains(k), where + ": origin." + k));
    }

    private static boolean hasType(JsonNode v, Type t) {
        return switch (t) {
            case STRING -> v.isTextual();
            case STRING_OR_NULL -> v.isTextual() || v.isNull();
            case BOOLEAN -> v.isBoolean();
            case INTEGER -> v.isIntegralNumber();
            case LIST -> v.isArray();
            case MAP -> v.isObject();
        };
    }
}
