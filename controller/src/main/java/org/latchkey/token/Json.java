package org.latchkey.token;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * JSON in one place, as two immutable halves: a strict reader for everything that comes in (signed
 * payloads, the door's own files, the daemon's answers) and a writer for everything that goes out.
 */
public final class Json {
    /**
     * Strict: no duplicate keys, no NaN, nothing after the value, shallow nesting, bounded strings.
     * Numbers may be as long as a payload: an unknown claim may hold any valid JSON, and known ones
     * are range-checked. Trees are built by {@link JsonTree}, without an ObjectMapper.
     */
    private static final JsonFactory STRICT =
            JsonFactory.builder()
                    .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                    .disable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
                    .streamReadConstraints(
                            StreamReadConstraints.builder()
                                    .maxNestingDepth(8)
                                    .maxStringLength(16 * 1024)
                                    .maxNumberLength(1024)
                                    .build())
                    .build();

    /** The writer's generators: defaults, as an ObjectMapper's (JsonTreeTest compares the two). */
    private static final JsonFactory OUT = JsonFactory.builder().build();

    private Json() {}

    public static ObjectNode object() {
        return JsonNodeFactory.instance.objectNode();
    }

    public static ArrayNode array() {
        return JsonNodeFactory.instance.arrayNode();
    }

    /** One line of JSON, fields in the order they were put. */
    public static String write(JsonNode node) {
        return write(node, false, false);
    }

    /** Indented, for people. */
    public static String pretty(JsonNode node) {
        return write(node, true, false);
    }

    /**
     * A tree of plain nodes as text, written by {@link JsonTree#write} on a generator: no
     * ObjectMapper, whose classes were most of the daemon's JSON memory (issue 20).
     *
     * @param asciiOnly escape everything outside ASCII (text from a token must not drive a
     *     terminal)
     */
    public static String write(JsonNode node, boolean pretty, boolean asciiOnly) {
        StringWriter out = new StringWriter();
        try (JsonGenerator g = OUT.createGenerator(out)) {
            if (pretty) {
                g.useDefaultPrettyPrinter();
            }
            if (asciiOnly) {
                g.enable(JsonWriteFeature.ESCAPE_NON_ASCII.mappedFeature());
            }
            JsonTree.write(g, node);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a string writer does not fail
        }
        return out.toString();
    }

    /** Parses text with the strict reader: one value, nothing after it. */
    public static JsonNode read(String text) throws IOException {
        try (JsonParser parser = STRICT.createParser(text)) {
            JsonNode value = JsonTree.read(parser);
            JsonToken after = parser.nextToken();
            if (after != null) {
                throw new JsonParseException(
                        parser, "Trailing token (of type " + after + ") found after value");
            }
            return value;
        }
    }

    /**
     * @throws IllegalArgumentException naming what is wrong
     */
    static ObjectNode parseObject(byte[] utf8) {
        String text;
        try {
            text = strictUtf8(utf8);
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("payload is not valid UTF-8");
        }
        JsonNode node;
        try {
            node = read(text);
        } catch (IOException e) {
            throw new IllegalArgumentException(
                    "payload is not valid JSON: " + firstLine(e.getMessage()));
        }
        if (!(node instanceof ObjectNode object)) {
            throw new IllegalArgumentException("payload is not a JSON object");
        }
        return object;
    }

    /** Decodes UTF-8, refusing malformed input rather than replacing it. */
    public static String strictUtf8(byte[] bytes) throws CharacterCodingException {
        return StandardCharsets.UTF_8
                .newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)
                .decode(ByteBuffer.wrap(bytes))
                .toString();
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unreadable";
        }
        int nl = message.indexOf('\n');
        String line = nl < 0 ? message : message.substring(0, nl);
        return line.length() > 120 ? line.substring(0, 120) + "…" : line;
    }
}
