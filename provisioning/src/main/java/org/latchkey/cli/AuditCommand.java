package org.latchkey.cli;

import com.fasterxml.jackson.databind.JsonNode;

import org.latchkey.audit.AuditLog;
import org.latchkey.audit.AuditVerifier;
import org.latchkey.token.Json;
import org.latchkey.token.Rfc3339;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(
        name = "audit",
        mixinStandardHelpOptions = true,
        description = "Read and check the door's audit log.")
final class AuditCommand {

    @Command(
            name = "verify",
            mixinStandardHelpOptions = true,
            header = "Check the audit log's hash chain.",
            description = {
                "Walk the audit log's hash chain across rotated files, byte for byte, from the"
                        + " genesis record (or, once old files were pruned to keep the log within"
                        + " [audit] max_size, from the anchor an audit_pruned record left).",
                "Exit 0 when intact; exit 3 (rejected: AUDIT_CHAIN_BROKEN) naming the file, line"
                        + " and problem when not."
            })
    static final class Verify implements Callable<Integer> {
        @Spec CommandSpec spec;

        @Mixin StateDirOption state;

        @Override
        public Integer call() throws Exception {
            Path dir = state.resolve();
            AuditVerifier.Report report = AuditVerifier.verify(dir);
            if (report.intact()) {
                spec.commandLine()
                        .getOut()
                        .println(
                                "audit log intact: "
                                        + report.records()
                                        + " records, chained from "
                                        + report.start());
                spec.commandLine().getOut().println("head " + report.head());
                return ExitCode.OK;
            }
            spec.commandLine().getErr().println("rejected: AUDIT_CHAIN_BROKEN");
            spec.commandLine()
                    .getErr()
                    .println(
                            report.firstProblem().get()
                                    + " (after "
                                    + report.records()
                                    + " good records)");
            return ExitCode.REJECTED;
        }
    }

    @Command(
            name = "show",
            mixinStandardHelpOptions = true,
            description = "Print the audit records, oldest first.")
    static final class Show implements Callable<Integer> {
        @Spec CommandSpec spec;

        @Mixin StateDirOption state;

        @Option(
                names = "--since",
                paramLabel = "TIME",
                description = "Only records at or after TIME (RFC 3339).")
        String since;

        @Option(
                names = "--json",
                description =
                        "Print each record as its JSON line, as stored (escaped: no control"
                                + " characters reach the terminal).")
        boolean json;

        @Override
        public Integer call() throws Exception {
            Instant from =
                    since == null
                            ? Instant.MIN
                            : TokenInput.time(since, "--since", java.time.InstantSource.system());
            Path dir = state.resolve().resolve(AuditLog.DIR);
            if (!Files.isDirectory(dir)) {
                throw CliException.failed(dir + ": no audit log here");
            }
            PrintWriter out = spec.commandLine().getOut();
            for (Path f : AuditLog.files(dir)) {
                print(f, from, out);
            }
            return ExitCode.OK;
        }

        private void print(Path file, Instant from, PrintWriter out) throws IOException {
            int lineNo = 0;
            for (String line : Files.readString(file, StandardCharsets.ISO_8859_1).split("\n")) {
                lineNo++;
                JsonNode rec;
                try {
                    rec = Json.read(Json.strictUtf8(line.getBytes(StandardCharsets.ISO_8859_1)));
                } catch (IOException e) {
                    out.println(
                            file.getFileName()
                                    + " line "
                                    + lineNo
                                    + ": not a readable record: "
                                    + Terminal.escape(line));
                    continue;
                }
                Instant at;
                try {
                    at = Rfc3339.parse(rec.path("ts").asText(""));
                } catch (IllegalArgumentException e) {
                    at = Instant.MAX;
                }
                if (at.isBefore(from)) {
                    continue;
                }
                if (json) {
                    out.println(Terminal.escape(Json.write(rec)));
                    continue;
                }
                StringBuilder sb = new StringBuilder();
                sb.append(rec.path("ts").asText())
                        .append("  #")
                        .append(rec.path("seq").asLong())
                        .append("  ")
                        .append(rec.path("type").asText());
                for (Map.Entry<String, JsonNode> e : rec.properties()) {
                    if (!java.util.Set.of("seq", "ts", "type", "prev").contains(e.getKey())) {
                        sb.append("  ")
                                .append(e.getKey())
                                .append('=')
                                .append(
                                        e.getValue().isTextual()
                                                ? e.getValue().textValue()
                                                : e.getValue().toString());
                    }
                }
                out.println(Terminal.escape(sb.toString()));
            }
        }
    }
}
