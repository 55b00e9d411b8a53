package org.latchkey.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.latchkey.store.AuditLog;
import org.latchkey.store.AuditVerifier;
import org.latchkey.token.Json;
import org.latchkey.token.Rfc3339;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "audit", mixinStandardHelpOptions = true, description = "Read and check the door's audit log.",
        subcommands = {AuditCommand.Verify.class, AuditCommand.Show.class})
final class AuditCommand {

    @Command(name = "verify", mixinStandardHelpOptions = true, header = "Check the audit log's hash chain.",
            description = {"Walk the audit log's hash chain across rotated files, from the genesis record.",
                "Exit 0 when intact; exit 3 naming the first bad record when not."})
    static final class Verify implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        StateDirOption state;

        @Override
        public Integer call() throws Exception {
            Path dir = state.resolve();
            AuditVerifier.Report report = AuditVerifier.verify(dir);
            if (report.intact()) {
                spec.commandLine().getOut().println("audit log intact: " + report.records() + " records, chained from genesis");
                spec.commandLine().getOut().println("head " + report.head());
                return ExitCode.OK;
            }
            spec.commandLine().getErr().println("rejected: AUDIT_CHAIN_BROKEN");
            spec.commandLine().getErr().println(report.firstProblem().get() + " (after " + report.records() + " good records)");
            return ExitCode.REJECTED;
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "Print the audit records, oldest first.")
    static final class Show implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        StateDirOption state;

        @Option(names = "--since", paramLabel = "TIME", description = "Only records at or after TIME (RFC 3339).")
        String since;

        @Option(names = "--json", description = "Print each record as its JSON line.")
        boolean json;

        @Override
        public Integer call() throws Exception {
            Instant from = since == null ? Instant.MIN : TokenInput.time(since, "--since", java.time.InstantSource.system());
            Path dir = state.resolve().resolve(AuditLog.DIR);
            if (!Files.isDirectory(dir)) {
                throw CliException.failed(dir + ": no audit log here");
            }
            PrintWriter out = spec.commandLine().getOut();
            try (Stream<Path> files = Files.list(dir)) {
                for (Path f : files.filter(p -> p.getFileName().toString().matches("audit(-\\d{12})?\\.log"))
                        .sorted((a, b) -> order(a).compareTo(order(b))).toList()) {
                    print(f, from, out);
                }
            }
            return ExitCode.OK;
        }

        /** Rotated files first, by their first seq; the current file last. */
        private static String order(Path p) {
            String n = p.getFileName().toString();
            return n.equals("audit.log") ? "~" : n;
        }

        private void print(Path file, Instant from, PrintWriter out) throws IOException {
            try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                String line;
                while ((line = r.readLine()) != null) {
                    JsonNode rec = Json.MAPPER.readTree(line);
                    Instant at = Rfc3339.parse(rec.path("ts").asText("1970-01-01T00:00:00Z"));
                    if (at.isBefore(from)) {
                        continue;
                    }
                    if (json) {
                        out.println(line);
                        continue;
                    }
                    StringBuilder sb = new StringBuilder();
                    sb.append(rec.path("ts").asText()).append("  #").append(rec.path("seq").asLong()).append("  ")
                            .append(rec.path("type").asText());
                    for (Map.Entry<String, JsonNode> e : rec.properties()) {
                        if (!java.util.Set.of("seq", "ts", "type", "prev").contains(e.getKey())) {
                            sb.append("  ").append(e.getKey()).append('=')
                                    .append(e.getValue().isTextual() ? e.getValue().textValue() : e.getValue().toString());
                        }
                    }
                    out.println(sb);
                }
            }
        }
    }
}
