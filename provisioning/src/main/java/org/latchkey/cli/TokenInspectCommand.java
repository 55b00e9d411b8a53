package org.latchkey.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.latchkey.token.UnverifiedToken;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(
        name = "inspect",
        mixinStandardHelpOptions = true,
        description = "Show a token's key id and claims WITHOUT verifying anything.")
final class TokenInspectCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "TOKEN", description = "The token, or - to read it from stdin.")
    String token;

    @Option(names = "--json", description = "Print as JSON (\"verified\": false).")
    boolean json;

    @Override
    public Integer call() throws Exception {
        UnverifiedToken t = UnverifiedToken.read(TokenInput.read(token, System.in));
        if (json) {
            ObjectNode o = JsonOutput.object();
            o.put("verified", false);
            o.put("kid", t.kid());
            o.set("claims", t.claims());
            JsonOutput.print(spec, o);
            return ExitCode.OK;
        }
        PrintWriter out = spec.commandLine().getOut();
        out.println(
                "NOT VERIFIED: this is what the token claims; only `latchkey token verify` checks"
                        + " it.");
        out.printf("%-5s %s%n", "kid", t.kid());
        for (Map.Entry<String, JsonNode> e : t.claims().properties()) {
            String value =
                    e.getValue().isTextual() ? e.getValue().textValue() : e.getValue().toString();
            out.printf("%-5s %s%n", Terminal.escape(e.getKey()), Terminal.escape(value));
        }
        return ExitCode.OK;
    }
}
