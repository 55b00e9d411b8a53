package org.latchkey.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/** One table of the TOML file, read with errors that name the file and the key. */
final class Section {
    private final Path file;
    private final String path;
    private final ObjectNode node;

    Section(Path file, String path, ObjectNode node) {
        this.file = file;
        this.path = path;
        this.node = node;
    }

    String where(String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    ConfigException error(String key, String problem) {
        return new ConfigException(file, where(key), problem);
    }

    /** Typos in a security configuration matter: a key the loader does not know is an error. */
    void requireOnly(Set<String> known) throws ConfigException {
        Iterator<String> names = node.fieldNames();
        while (names.hasNext()) {
            String name = names.next();
            if (!known.contains(name)) {
                throw error(
                        name,
                        "unknown key (known here: "
                                + String.join(", ", new TreeSet<>(known))
                                + ")");
            }
        }
    }

    boolean has(String key) {
        return node.has(key);
    }

    String string(String key) throws ConfigException {
        return optionalString(key).orElseThrow(() -> error(key, "missing (required)"));
    }

    Optional<String> optionalString(String key) throws ConfigException {
        JsonNode n = node.get(key);
        if (n == null) {
            return Optional.empty();
        }
        if (!n.isTextual()) {
            throw error(key, "must be a string in double quotes");
        }
        return Optional.of(n.textValue());
    }

    int integer(String key, int fallback, int min, int max) throws ConfigException {
        JsonNode n = node.get(key);
        if (n == null) {
            return fallback;
        }
        if (!n.isIntegralNumber() || !n.canConvertToInt()) {
            throw error(key, "must be a whole number");
        }
        int v = n.intValue();
        if (v < min || v > max) {
            throw error(key, "must be between " + min + " and " + max);
        }
        return v;
    }

    java.util.OptionalInt optionalInteger(String key, int min, int max) throws ConfigException {
        return has(key)
                ? java.util.OptionalInt.of(integer(key, 0, min, max))
                : java.util.OptionalInt.empty();
    }

    boolean bool(String key, boolean fallback) throws ConfigException {
        JsonNode n = node.get(key);
        if (n == null) {
            return fallback;
        }
        if (!n.isBoolean()) {
            throw error(key, "must be true or false");
        }
        return n.booleanValue();
    }

    List<String> strings(String key) throws ConfigException {
        JsonNode n = node.get(key);
        if (n == null) {
            throw error(key, "missing (required)");
        }
        if (!n.isArray()) {
            throw error(key, "must be a list of strings, e.g. [\"delivery\"]");
        }
        List<String> out = new ArrayList<>();
        for (JsonNode e : n) {
            if (!e.isTextual()) {
                throw error(key, "must be a list of strings, e.g. [\"delivery\"]");
            }
            out.add(e.textValue());
        }
        return out;
    }

    Optional<Section> table(String key) throws ConfigException {
        JsonNode n = node.get(key);
        if (n == null) {
            return Optional.empty();
        }
        if (!(n instanceof ObjectNode o)) {
            throw error(key, "must be a table: [" + where(key) + "]");
        }
        return Optional.of(new Section(file, where(key), o));
    }

    List<Section> tables(String key) throws ConfigException {
        JsonNode n = node.get(key);
        if (n == null) {
            return List.of();
        }
        if (!n.isArray()) {
            throw error(key, "must be an array of tables: [[" + where(key) + "]]");
        }
        List<Section> out = new ArrayList<>();
        for (int i = 0; i < n.size(); i++) {
            if (!(n.get(i) instanceof ObjectNode o)) {
                throw error(key, "must be an array of tables: [[" + where(key) + "]]");
            }
            out.add(new Section(file, where(key) + "[" + (i + 1) + "]", o));
        }
        return out;
    }
}
