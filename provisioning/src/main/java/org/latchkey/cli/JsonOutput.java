package org.latchkey.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.latchkey.token.Json;
import picocli.CommandLine.Model.CommandSpec;

/** {@code --json} output: one object per command, on stdout. */
final class JsonOutput {
    private JsonOutput() {}

    static ObjectNode object() {
        return Json.MAPPER.createObjectNode();
    }

    static void print(CommandSpec spec, ObjectNode o) {
        try {
            spec.commandLine().getOut().println(Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(o));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
