package org.latchkey.token;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.toml.TomlFactory;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

/**
 * {@link JsonTree} makes the tree {@code ObjectMapper.readTree} made, node type for node type, for
 * JSON through {@link Json#read} and for TOML through the config's factory, and refuses what it
 * refused.
 */
class JsonTreeTest {
    /** The strict reader {@link Json} had before it built its own trees. */
    static final JsonMapper MAPPER = strictMapper();

    static final TomlMapper TOML_MAPPER = new TomlMapper();
    static final TomlFactory TOML = new TomlFactory();
    static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    static final String REFUSED = "refused";

    static JsonMapper strictMapper() {
        JsonMapper strict =
                JsonMapper.builder()
                        .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
                        .disable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
                        .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                        .build();
        strict.getFactory()
                .setStreamReadConstraints(
                        StreamReadConstraints.builder()
                                .maxNestingDepth(8)
                                .maxStringLength(16 * 1024)
                                .maxNumberLength(1024)
                                .build());
        return strict;
    }

    /**
     * The tree as its text and node types (decimals compare by value, so {@code 1.0} would equal
     * {@code 1}), or {@link #REFUSED} for an IOException; anything else fails the test.
     */
    static Object outcome(Callable<JsonNode> read) throws Exception {
        JsonNode tree;
        try {
            tree = read.call();
        } catch (IOException e) {
            return REFUSED;
        }
        return List.of(tree, tree.toString());
    }

    static Object json(String text) throws Exception {
        return outcome(() -> Json.read(text));
    }

    static Object jsonByMapper(String text) throws Exception {
        return outcome(() -> MAPPER.readerFor(JsonNode.class).readTree(text));
    }

    static Object toml(String text) throws Exception {
        return outcome(
                () -> {
                    try (JsonParser p = TOML.createParser(text)) {
                        return JsonTree.read(p);
                    }
                });
    }

    static Object tomlByMapper(String text) throws Exception {
        return outcome(() -> TOML_MAPPER.readTree(text));
    }

    @Property(tries = 400)
    void json_anyValue_sameTree(@ForAll("values") JsonNode value) throws Exception {
        String text = write(value);
        Object ours = json(text);
        assertEquals(jsonByMapper(text), ours, text);
        if (depth(value) <= 8) {
            assertNotEquals(REFUSED, ours, "a value within the limits is read: " + text);
        }
    }

    /**
     * The writer without an ObjectMapper writes what the ObjectMapper wrote, compact, indented and
     * ASCII-only: the audit log's and the receipts' bytes are hashed and signed.
     */
    @Property(tries = 400)
    void write_anyValue_sameTextAsTheObjectMapper(@ForAll("writable") JsonNode value)
            throws Exception {
        var writer = JsonMapper.builder().build().writer();
        assertEquals(writer.writeValueAsString(value), Json.write(value));
        assertEquals(
                writer.withDefaultPrettyPrinter().writeValueAsString(value), Json.pretty(value));
        assertEquals(
                writer.with(com.fasterxml.jackson.core.json.JsonWriteFeature.ESCAPE_NON_ASCII)
                        .withDefaultPrettyPrinter()
                        .writeValueAsString(value),
                Json.write(value, true, true));
    }

    @Provide
    Arbitrary<JsonNode> writable() {
        Arbitrary<JsonNode> more =
                Arbitraries.oneOf(
                        Arbitraries.floats().map(f -> (JsonNode) NODES.numberNode(f)),
                        Arbitraries.bigDecimals().map(d -> (JsonNode) NODES.numberNode(d)),
                        Arbitraries.shorts().map(v -> (JsonNode) NODES.numberNode(v)),
                        Arbitraries.strings()
                                .all()
                                .ofMaxLength(12)
                                .map(t -> (JsonNode) NODES.textNode(t)),
                        Arbitraries.bytes()
                                .array(byte[].class)
                                .ofMaxSize(8)
                                .map(b -> (JsonNode) NODES.binaryNode(b)));
        return Arbitraries.oneOf(
                values(), more, objects(Arbitraries.oneOf(values(), more), 4).map(o -> o));
    }

    @Property(tries = 1500)
    void json_anyText_sameOutcome(@ForAll("jsonish") String text) throws Exception {
        assertEquals(jsonByMapper(text), json(text), text);
    }

    @Property(tries = 400)
    void toml_anyTable_sameTree(@ForAll("tables") ObjectNode table) throws Exception {
        String text = render(table);
        assertEquals(tomlByMapper(text), toml(text), text);
    }

    @Test
    void toml_aRenderedTable_isRead() throws Exception {
        ObjectNode table = NODES.objectNode();
        table.put("a", 1).put("b", "x\"y").put("c", 1L << 40).put("d", 0.25);
        table.putArray("e").add(true).add(NODES.objectNode().put("f", "g"));
        Object ours = toml(render(table));
        assertEquals(tomlByMapper(render(table)), ours);
        assertEquals(
                table.toString(), ((List<?>) ours).get(1), "TOML's integers are read as longs");
    }

    @Test
    void toml_decimals_withoutTrailingZeros_asTheMapperMadeThem() throws Exception {
        for (String text :
                new String[] {"a = 1.0", "a = 100.0", "a = -0.0", "a = 1_000.000_0", "a = 2.5e3"}) {
            assertEquals(tomlByMapper(text), toml(text), text);
        }
    }

    @Test
    void toml_theConfigFuzzCorpus_sameOutcome() throws Exception {
        Path corpus = Path.of("src/test/resources/org/latchkey/fuzz/ConfigFuzzTestInputs");
        List<Path> inputs;
        try (Stream<Path> files = Files.walk(corpus)) {
            inputs = files.filter(Files::isRegularFile).toList();
        }
        assertTrue(inputs.size() >= 10, "the corpus: " + inputs);
        for (Path input : inputs) {
            String text = new String(Files.readAllBytes(input), StandardCharsets.UTF_8);
            assertEquals(tomlByMapper(text), toml(text), input.toString());
        }
    }

    @Test
    void json_theLimitsAndStrictness_stillRefuse() throws Exception {
        for (String text :
                new String[] {
                    "{\"a\":1,\"a\":2}",
                    "{\"a\":1} {}",
                    "{\"a\":1} x",
                    "[[[[[[[[[1]]]]]]]]]",
                    "NaN",
                    "[1,]",
                    "{\"a\":1",
                    "\"" + "x".repeat(16 * 1024 + 1) + "\"",
                    "1" + "0".repeat(1024)
                }) {
            assertEquals(REFUSED, json(text), text);
            assertEquals(REFUSED, jsonByMapper(text), text);
        }
        assertThrows(IOException.class, () -> Json.read("{\"a\":1} {}"));
    }

    @Test
    void json_scalarsAndEmpty_asTheMapperMadeThem() throws Exception {
        assertEquals(NODES.numberNode(7), Json.read("7"));
        assertEquals(NODES.numberNode(1L << 40), Json.read(String.valueOf(1L << 40)));
        assertEquals(
                NODES.numberNode(new BigInteger("123456789012345678901234567890")),
                Json.read("123456789012345678901234567890"));
        assertEquals(NODES.numberNode(0.5), Json.read("0.5"));
        assertEquals(NODES.textNode("é"), Json.read("\"\\u00e9\""));
        assertEquals(jsonByMapper(""), json(""));
        assertInstanceOf(ObjectNode.class, Json.read("{\"a\":[1,{\"b\":null}]}"));
    }

    // --- generators -------------------------------------------------------------------------

    @Provide
    Arbitrary<JsonNode> values() {
        return value(5);
    }

    private Arbitrary<JsonNode> value(int depth) {
        Arbitrary<JsonNode> scalar = scalars();
        if (depth == 0) {
            return scalar;
        }
        Arbitrary<JsonNode> inner = Arbitraries.lazy(() -> value(depth - 1));
        Arbitrary<JsonNode> array =
                inner.list().ofMaxSize(4).map(l -> (JsonNode) NODES.arrayNode().addAll(l));
        Arbitrary<JsonNode> object = objects(inner, 4).map(o -> (JsonNode) o);
        return Arbitraries.frequencyOf(
                Tuple.of(4, scalar), Tuple.of(2, array), Tuple.of(2, object));
    }

    private Arbitrary<JsonNode> scalars() {
        return Arbitraries.oneOf(
                Arbitraries.integers().map(i -> (JsonNode) NODES.numberNode(i)),
                Arbitraries.longs().map(l -> (JsonNode) NODES.numberNode(l)),
                Arbitraries.bigIntegers()
                        .between(BigInteger.TWO.pow(80).negate(), BigInteger.TWO.pow(80))
                        .map(b -> (JsonNode) NODES.numberNode(b)),
                Arbitraries.doubles().map(d -> (JsonNode) NODES.numberNode(d)),
                Arbitraries.strings().ofMaxLength(12).map(s -> (JsonNode) NODES.textNode(s)),
                Arbitraries.of(true, false).map(b -> (JsonNode) NODES.booleanNode(b)),
                Arbitraries.just((JsonNode) NODES.nullNode()));
    }

    private Arbitrary<String> keys() {
        return Arbitraries.strings()
                .withCharRange('a', 'e')
                .withChars('_', '-')
                .ofMinLength(1)
                .ofMaxLength(4);
    }

    @Provide
    Arbitrary<String> jsonish() {
        Arbitrary<String> noise =
                Arbitraries.strings()
                        .withChars("{}[]:,\"\\ 0123456789.eE+-truefalsnNI/\n")
                        .ofMaxLength(30);
        Arbitrary<String> spliced =
                Combinators.combine(
                                values().map(JsonTreeTest::write),
                                Arbitraries.integers().between(0, 200),
                                Arbitraries.of("", "}", "]", ",", "\"", "1", " {}", ":"))
                        .as(JsonTreeTest::splice);
        return Arbitraries.oneOf(noise, spliced);
    }

    /** The text with the character at {@code at} (if any) replaced by {@code insert}. */
    static String splice(String text, int at, String insert) {
        int i = Math.min(at, text.length());
        return text.substring(0, i) + insert + text.substring(Math.min(text.length(), i + 1));
    }

    static String write(JsonNode value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Provide
    Arbitrary<ObjectNode> tables() {
        return objects(value(3), 5);
    }

    private Arbitrary<ObjectNode> objects(Arbitrary<JsonNode> values, int most) {
        return Arbitraries.maps(keys(), values)
                .ofMaxSize(most)
                .map(
                        m -> {
                            ObjectNode o = NODES.objectNode();
                            m.forEach(o::set);
                            return o;
                        });
    }

    /** A table as TOML: each value inline (JSON's scalars and escapes are TOML's too). */
    static String render(ObjectNode table) {
        StringBuilder out = new StringBuilder();
        for (Iterator<Map.Entry<String, JsonNode>> it = table.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            out.append(e.getKey()).append(" = ").append(inline(e.getValue())).append('\n');
        }
        return out.toString();
    }

    private static String inline(JsonNode v) {
        if (v instanceof ObjectNode o) {
            StringBuilder s = new StringBuilder("{");
            for (Iterator<Map.Entry<String, JsonNode>> it = o.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                s.append(e.getKey()).append(" = ").append(inline(e.getValue()));
                if (it.hasNext()) {
                    s.append(", ");
                }
            }
            return s.append('}').toString();
        }
        if (v instanceof ArrayNode a) {
            StringBuilder s = new StringBuilder("[");
            for (int i = 0; i < a.size(); i++) {
                s.append(i == 0 ? "" : ", ").append(inline(a.get(i)));
            }
            return s.append(']').toString();
        }
        return v.isNull() ? "\"\"" : v.toString();
    }

    private static int depth(JsonNode v) {
        int inner = 0;
        for (JsonNode child : v) {
            inner = Math.max(inner, depth(child));
        }
        return v.isContainerNode() ? inner + 1 : 0;
    }
}
