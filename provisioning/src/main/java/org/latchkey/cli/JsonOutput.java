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

    /**
     * Indented, and ASCII only: text from a token (unverified, maybe hostile) cannot drive a
     * terminal.
     */
    static void print(CommandSpec spec, ObjectNode o) {
        spec.commandLine().getOut().println(Json.write(o, true, true));
    }
}
