package org.latchkey.cli;

import com.fasterxml.jackson.databind.JsonNode;

import org.latchkey.audit.AuditAgainst;
import org.latchkey.audit.AuditLog;
import org.latchkey.audit.AuditVerifier;
import org.latchkey.identity.DoorKeys;
import org.latchkey.token.Json;
import org.latchkey.token.PublicKey;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

@Command(
        name = "audit",
        mixinStandardHelpOptions = true,
        description = "Read and check the door's audit log.")
final class AuditCommand {

    @Command(
            name = "verify",
            mixinStandardHelpOptions = true,
            header =
                    "Check the audit log's hash chain, its signed checkpoints, and copies kept"
                            + " outside.",
            description = {
                "Walk the audit log's hash chain across rotated files, byte for byte, from the"
                        + " genesis record (or, once old files were pruned to keep the log within"
                        + " [audit] max_size, from the anchor an audit_pruned record left).",
                "Every checkpoint is checked against the door key (door.pub beside --config, or"
                        + " --card), and the output says up to which record the log is covered by"
                        + " the door's signature.",
                "--against FILE checks the log against what an outside party kept: receipts the"
                        + " door gave (one per line) or an MQTT events capture (the JSON records,"
                        + " optionally after the topic, as mosquitto_sub -v prints them): every"
                        + " record held must be in the log unchanged, every receipt's record too.",
                "Exit 0 when intact; exit 3 (rejected: AUDIT_CHAIN_BROKEN, or AUDIT_DIFFERS with"
                        + " --against) naming what is wrong when not."
            })
    static final class Verify implements Callable<Integer> {
        @Spec CommandSpec spec;

        @Mixin StateDirOption state;

        @Option(
                names = "--card",
                paramLabel = "CARD",
                description = "The door's card, for its key (default: door.pub beside the config).")
        String card;

        @Option(
                names = "--against",
                paramLabel = "FILE",
                description = "Receipts or an events capture kept outside the door (repeatable).")
        List<Path> against = new ArrayList<>();

        @Override
        public Integer call() throws Exception {
            Path dir = state.resolve();
            Optional<PublicKey> doorKey = doorKey();
            AuditVerifier.Report report = AuditVerifier.verify(dir, doorKey);
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            if (!report.intact()) {
                err.println("rejected: AUDIT_CHAIN_BROKEN");
                err.println(
                        report.firstProblem().get()
                                + " (after "
                                + report.records()
                                + " good records)");
                return ExitCode.REJECTED;
            }
            out.println(
                    "audit log intact: "
                            + report.records()
                            + " records, chained from "
                            + report.start());
            out.println("head " + report.head());
            if (doorKey.isEmpty()) {
                out.println(
                        "checkpoints not checked: no door key (give --config with door.pub beside"
                                + " it, or --card)");
            } else if (report.signedUpTo().isPresent()) {
                out.println(
                        "signed by the door up to record "
                                + report.signedUpTo().get()
                                + " ("
                                + report.checkpoints()
                                + (report.checkpoints() == 1 ? " checkpoint" : " checkpoints")
                                + "); records after it are not yet covered by a"
                                + " signature");
            } else {
                out.println("no checkpoint yet: no record is covered by the door's signature");
            }
            int code = ExitCode.OK;
            for (Path f : against) {
                List<String> held = Files.readAllLines(f, StandardCharsets.UTF_8);
                AuditAgainst.Report r = AuditAgainst.check(dir, held, doorKey);
                if (r.holds()) {
                    out.println(
                            f
                                    + ": "
                                    + r.records()
                                    + " record(s) and "
                                    + r.receipts()
                                    + " receipt(s) held there are all in the log, unchanged"
                                    + (r.unreadable() > 0
                                            ? " (" + r.unreadable() + " line(s) not read)"
                                            : ""));
                } else {
                    err.println("rejected: AUDIT_DIFFERS");
                    err.println(f + ": the log is not what was kept outside the door:");
                    r.problems().forEach(p -> err.println("  " + p));
                    code = ExitCode.REJECTED;
                }
            }
            return code;
        }

        private Optional<PublicKey> doorKey() throws CliException {
            if (card != null) {
                return Optional.of(DoorTarget.readCard(card).doorKey());
            }
            if (state.choice.stateDir != null && state.choice.config == null) {
                return Optional.empty();
            }
            Path config =
                    state.choice.config != null
                            ? state.choice.config
                            : StateDirOption.DEFAULT_CONFIG;
            try {
                return DoorKeys.readPublic(config);
            } catch (IOException e) {
                throw CliException.failed(IoProblems.describe(e));
            }
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
                description =
                        "Only records at or after TIME: a day (2026-12-08) or a local time"
                                + " (2026-12-08 09:00) in the door's time zone, RFC 3339 with an"
                                + " offset, or now.")
        String since;

        @Option(
                names = "--utc",
                description = "Print times in UTC rather than in the door's time zone.")
        boolean utc;

        @Option(
                names = "--json",
                description =
                        "Print each record as its JSON line, as stored (escaped: no control"
                                + " characters reach the terminal).")
        boolean json;

        @Override
        public Integer call() throws Exception {
            LocalTimes.Zone zone = state.zone();
            Instant from =
                    since == null
                            ? Instant.MIN
                            : LocalTimes.parse(
                                    since,
                                    "--since",
                                    java.time.InstantSource.system(),
                                    zone,
                                    true,
                                    spec.commandLine().getErr());
            shown = utc ? java.time.ZoneOffset.UTC : zone.id();
            Path dir = state.resolve().resolve(AuditLog.DIR);
            if (!Files.isDirectory(dir)) {
                throw CliException.failed(dir + ": no audit log here");
            }
            PrintWriter out = spec.commandLine().getOut();
            if (!json) { // on stderr: stdout is the records, for scripts too
                spec.commandLine()
                        .getErr()
                        .println(
                                "latchkey: times in "
                                        + shown.getId()
                                        + (utc ? "" : " (" + zone.whose() + ")"));
            }
            for (Path f : AuditLog.files(dir)) {
                print(f, from, out);
            }
            return ExitCode.OK;
        }

        /** The zone the records' times are shown in; --json keeps them as stored (UTC). */
        private java.time.ZoneId shown;

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
                sb.append(
                                at.equals(Instant.MAX)
                                        ? rec.path("ts").asText()
                                        : LocalTimes.show(at, shown, true))
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
                                                : Json.write(e.getValue()));
                    }
                }
                out.println(Terminal.escape(sb.toString()));
            }
        }
    }
}
