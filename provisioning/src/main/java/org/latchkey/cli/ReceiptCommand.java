package org.latchkey.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.latchkey.config.DeviceConfig;
import org.latchkey.identity.DoorKeys;
import org.latchkey.receipt.Receipt;
import org.latchkey.receipt.ReceiptStore;
import org.latchkey.store.Storage;
import org.latchkey.token.DoorCard;
import org.latchkey.token.Json;
import org.latchkey.token.PublicKey;
import org.latchkey.token.Rfc3339;
import org.latchkey.token.SignedToken;
import org.latchkey.token.TokenRejectedException;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

@Command(
        name = "receipt",
        mixinStandardHelpOptions = true,
        description =
                "The door's signed visit receipts: proof of each delivery, checked with the door's"
                        + " card.")
final class ReceiptCommand {
    private ReceiptCommand() {}

    @Command(
            name = "verify",
            mixinStandardHelpOptions = true,
            header = "Check a visit receipt offline, with the door's card.",
            description =
                    "Checks that the door key on the card signed the receipt (a receipt changed in"
                            + " one byte is refused) and prints what it says. Exit 0 when it"
                            + " checks out, 3 when it does not.")
    static final class Verify implements Callable<Integer> {
        @Spec CommandSpec spec;

        @Option(
                names = "--card",
                required = true,
                paramLabel = "CARD",
                description = "The door's card: a file, or the v4.public… text.")
        String card;

        @Parameters(
                paramLabel = "RECEIPT",
                description = "A receipt: a file, the v4.public… text, or '-' for standard input.")
        String receipt;

        @Option(names = "--json", description = "Print the receipt's fields as JSON.")
        boolean json;

        @Override
        public Integer call() throws Exception {
            DoorCard.Verified door = DoorTarget.readCard(card);
            String text = read(receipt);
            Receipt r;
            try {
                r = Receipt.verify(text, door.doorKey());
            } catch (TokenRejectedException e) {
                throw new CliException(
                        ExitCode.REJECTED, "rejected: " + e.reason() + "\n" + e.detail());
            }
            if (json) {
                JsonOutput.print(spec, r.json());
            } else {
                describe(spec.commandLine().getOut(), r);
            }
            return ExitCode.OK;
        }
    }

    @Command(
            name = "list",
            mixinStandardHelpOptions = true,
            header = "The door's receipts: from the running latchkeyd, else its state directory.",
            description =
                    "Every receipt kept, each checked with the door's key (door.pub beside the"
                            + " config), oldest first; --since N lists those after receipt N.")
    static final class ListReceipts implements Callable<Integer> {
        @Spec CommandSpec spec;

        @Mixin ConfigOption config;

        @Option(
                names = "--url",
                paramLabel = "URL",
                description = "latchkeyd's API (default: from the config).")
        String url;

        @Option(names = "--since", paramLabel = "N", description = "After receipt N (default 0).")
        long since;

        @Option(names = "--json", description = "One JSON object per receipt, as lines.")
        boolean json;

        @Override
        public Integer call() throws Exception {
            DeviceConfig device = config.load();
            PublicKey door =
                    DoorKeys.readPublic(device.source())
                            .orElseThrow(
                                    () ->
                                            CliException.failed(
                                                    "no door.pub beside "
                                                            + device.source()
                                                            + ": this door has no identity yet"));
            List<String> texts = fromDaemon(device).orElseGet(() -> fromState(device));
            PrintWriter out = spec.commandLine().getOut();
            int bad = 0;
            for (String t : texts) {
                try {
                    Receipt r = Receipt.verify(t, door);
                    if (json) {
                        out.println(Json.write(r.json()));
                    } else {
                        describe(out, r);
                        out.println();
                    }
                } catch (TokenRejectedException e) {
                    bad++;
                    spec.commandLine()
                            .getErr()
                            .println("a receipt does not check out: " + e.getMessage());
                }
            }
            if (!json) {
                spec.commandLine().getErr().println(texts.size() + " receipt(s)");
            }
            return bad == 0 ? ExitCode.OK : ExitCode.REJECTED;
        }

        private Optional<List<String>> fromDaemon(DeviceConfig device) throws CliException {
            DaemonClient client =
                    new DaemonClient(
                            DaemonClient.baseUrl(Optional.ofNullable(url), Optional.of(device)));
            List<String> all = new ArrayList<>();
            long after = since;
            while (true) {
                Optional<HttpResponse<String>> r = client.get("/v1/receipts?since=" + after);
                if (r.isEmpty() || r.get().statusCode() != 200) {
                    return all.isEmpty() ? Optional.empty() : Optional.of(all);
                }
                JsonNode body;
                try {
                    body = Json.read(r.get().body());
                } catch (IOException e) {
                    throw CliException.failed("latchkeyd's answer is not JSON");
                }
                ArrayNode page = (ArrayNode) body.path("receipts");
                page.forEach(x -> all.add(x.path("receipt").asText()));
                if (page.isEmpty()) {
                    return Optional.of(all);
                }
                after = body.path("last").asLong();
            }
        }

        private List<String> fromState(DeviceConfig device) {
            return ReceiptStore.open(Storage.READ_ONLY, device.stateDir())
                    .since(since, Integer.MAX_VALUE)
                    .stream()
                    .map(ReceiptStore.Stored::text)
                    .toList();
        }
    }

    /** A receipt as a file, text, or standard input. */
    static String read(String fileOrText) throws CliException {
        if (fileOrText.equals("-")) {
            try {
                return new String(
                                System.in.readNBytes(SignedToken.MAX_DOCUMENT_BYTES + 2),
                                StandardCharsets.US_ASCII)
                        .strip();
            } catch (IOException e) {
                throw CliException.failed("standard input: " + IoProblems.describe(e));
            }
        }
        if (fileOrText.startsWith("v4.public.")) {
            return fileOrText.strip();
        }
        try {
            Path p = Path.of(fileOrText);
            if (Files.size(p) > SignedToken.MAX_DOCUMENT_BYTES + 2) {
                throw CliException.failed(p + ": larger than a receipt can be");
            }
            return Files.readString(p, StandardCharsets.US_ASCII).strip();
        } catch (IOException | java.nio.file.InvalidPathException e) {
            throw CliException.failed("cannot read " + fileOrText + ": " + e.getMessage());
        }
    }

    /** A receipt in words, for people (names shown escaped where they could deceive). */
    static void describe(PrintWriter out, Receipt r) {
        out.println(
                "receipt "
                        + r.n()
                        + " of \""
                        + Terminal.escape(r.lockId())
                        + "\" ("
                        + r.doorId()
                        + "), signed by its door key");
        out.println(
                "  token      "
                        + r.role()
                        + ", "
                        + r.use()
                        + ", for \""
                        + Terminal.escape(r.sub())
                        + "\" (jti "
                        + r.jti()
                        + ", key "
                        + r.kid()
                        + ")");
        out.println("  granted    " + Rfc3339.format(r.grantedAt()));
        r.openedAt().ifPresent(t -> out.println("  opened     " + Rfc3339.format(t)));
        r.closedAt().ifPresent(t -> out.println("  closed     " + Rfc3339.format(t)));
        r.lockedAt().ifPresent(t -> out.println("  locked     " + Rfc3339.format(t)));
        if (r.cameraOn().isPresent() || r.cameraOff().isPresent()) {
            out.println(
                    "  camera     "
                            + r.cameraOn().map(Rfc3339::format).orElse("?")
                            + " to "
                            + r.cameraOff().map(Rfc3339::format).orElse("?"));
        }
        if (!r.alarms().isEmpty()) {
            out.println("  alarms     " + String.join(", ", r.alarms()));
        }
        out.println("  ended      " + r.ended() + " at " + Rfc3339.format(r.endedAt()));
        out.println("  audit log  record " + r.auditSeq() + ", sha-256 " + r.auditHash());
    }

    /** The receipt's fields (for JSON output elsewhere). */
    static ObjectNode json(Receipt r) {
        return r.json();
    }
}
