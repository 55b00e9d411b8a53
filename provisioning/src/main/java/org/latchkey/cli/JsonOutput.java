package org.latchkey.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.latchkey.token.Json;
import picocli.CommandLine.Model.CommandSpec;

/** {@code --json} output: one object per command, on stdout. */
final class JsonOutput {
    private JsonOutput() {}

    static ObjectNode object() {
        return Json.object();
    }

    static void print(CommandSpec spec, ObjectNode o) {
        spec.commandLine().getOut().println(Json.pretty(o));
    }
}
