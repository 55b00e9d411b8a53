package org.latchkey.token;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ContainerNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.math.BigDecimal;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * One value from a streaming parser, as a tree of plain nodes: what {@code ObjectMapper.readTree}
 * makes, without an ObjectMapper. The first ObjectMapper of a process costs about 35 ms of class
 * set-up (its default date format loads the locale data), most of what a short command-line run
 * spends on reading its config and a token, and the door's readers use none of it. The parser's own
 * checks (strict duplicate keys, depth and length limits) apply as before. Iterative: no nesting
 * the parser lets through can overflow the stack.
 */
public final class JsonTree {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private JsonTree() {}

    /**
     * Reads the value at the parser's next token; a {@link MissingNode} when there is none. Leaves
     * the parser on the value's last token.
     *
     * @throws IOException what the parser throws, or on a token no plain tree holds
     */
    public static JsonNode read(JsonParser parser) throws IOException {
        Deque<Open> open = new ArrayDeque<>();
        for (JsonToken t = parser.nextToken(); t != null; t = parser.nextToken()) {
            JsonNode value;
            switch (t) {
                case FIELD_NAME -> {
                    open.element().name = parser.currentName();
                    continue;
                }
                case END_OBJECT, END_ARRAY -> {
                    Open done = open.pop();
                    if (open.isEmpty()) {
                        return done.node;
                    }
                    continue;
                }
                case START_OBJECT -> value = NODES.objectNode();
                case START_ARRAY -> value = NODES.arrayNode();
                case VALUE_STRING -> value = NODES.textNode(parser.getText());
                case VALUE_NUMBER_INT -> value = integer(parser);
                case VALUE_NUMBER_FLOAT -> value = fraction(parser);
                case VALUE_TRUE -> value = NODES.booleanNode(true);
                case VALUE_FALSE -> value = NODES.booleanNode(false);
                case VALUE_NULL -> value = NODES.nullNode();
                default -> throw new JsonParseException(parser, "unexpected " + t);
            }
            if (open.isEmpty() && !(value instanceof ContainerNode<?>)) {
                return value;
            }
            if (!open.isEmpty()) {
                Open parent = open.element();
                if (parent.node instanceof ObjectNode o) {
                    o.set(parent.name, value);
                } else {
                    ((ArrayNode) parent.node).add(value);
                }
            }
            if (value instanceof ContainerNode<?> c) {
                open.push(new Open(c));
            }
        }
        if (!open.isEmpty()) {
            throw new JsonParseException(parser, "unexpected end of input");
        }
        return MissingNode.getInstance();
    }

    /** Integers as the databind reader makes them: the smallest of int, long, big. */
    private static JsonNode integer(JsonParser parser) throws IOException {
        return switch (parser.getNumberType()) {
            case INT -> NODES.numberNode(parser.getIntValue());
            case LONG -> NODES.numberNode(parser.getLongValue());
            default -> NODES.numberNode(parser.getBigIntegerValue());
        };
    }

    /**
     * Fractions as the databind reader makes them: double, unless the format holds another; a
     * decimal (TOML's) without its trailing zeros, {@code 1.0} as {@code 1}.
     */
    private static JsonNode fraction(JsonParser parser) throws IOException {
        return switch (parser.getNumberTypeFP()) {
            case BIG_DECIMAL -> NODES.numberNode(withoutTrailingZeros(parser.getDecimalValue()));
            case FLOAT32 -> NODES.numberNode(parser.getFloatValue());
            default -> NODES.numberNode(parser.getDoubleValue());
        };
    }

    private static BigDecimal withoutTrailingZeros(BigDecimal d) {
        try {
            return d.stripTrailingZeros();
        } catch (ArithmeticException e) { // the scale would overflow: keep it as written
            return d;
        }
    }

    /** An object or array still being read, and in an object the name of the value to come. */
    private static final class Open {
        final ContainerNode<?> node;
        String name;

        Open(ContainerNode<?> node) {
            this.node = node;
        }
    }

    /**
     * Writes a tree of plain nodes on a generator: the calls {@code ObjectMapper.writeValue} makes
     * for it, so the same text (JsonTreeTest compares them). Recursive: the door writes only trees
     * it built, and trees read through the strict reader, whose depth is bounded.
     *
     * @throws IllegalArgumentException for a node no plain tree holds (a POJO, a missing node)
     */
    public static void write(JsonGenerator g, JsonNode node) throws IOException {
        switch (node.getNodeType()) {
            case OBJECT -> {
                g.writeStartObject();
                for (var field : node.properties()) {
                    g.writeFieldName(field.getKey());
                    write(g, field.getValue());
                }
                g.writeEndObject();
            }
            case ARRAY -> {
                g.writeStartArray();
                for (JsonNode element : node) {
                    write(g, element);
                }
                g.writeEndArray();
            }
            case STRING -> g.writeString(node.textValue());
            case BOOLEAN -> g.writeBoolean(node.booleanValue());
            case NULL -> g.writeNull();
            case BINARY -> g.writeBinary(node.binaryValue());
            case NUMBER -> writeNumber(g, node);
            default ->
                    throw new IllegalArgumentException(
                            "not a plain JSON node: " + node.getNodeType());
        }
    }

    private static void writeNumber(JsonGenerator g, JsonNode n) throws IOException {
        switch (n.numberType()) {
            case INT -> g.writeNumber(n.intValue());
            case LONG -> g.writeNumber(n.longValue());
            case BIG_INTEGER -> g.writeNumber(n.bigIntegerValue());
            case FLOAT -> g.writeNumber(n.floatValue());
            case DOUBLE -> g.writeNumber(n.doubleValue());
            case BIG_DECIMAL -> g.writeNumber(n.decimalValue());
        }
    }
}
