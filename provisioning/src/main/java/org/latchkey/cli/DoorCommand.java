package org.latchkey.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.latchkey.config.DeviceConfig;
import org.latchkey.identity.DoorKeys;
import org.latchkey.token.DoorCard;
import org.latchkey.token.Json;
import org.latchkey.token.Rfc3339;
import org.latchkey.token.SigningKey;
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
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;

@Command(
        name = "door",
        mixinStandardHelpOptions = true,
        description =
                "The door's identity: its door key, its card for companies and phones, the owner's"
                        + " endorsement.")
final class DoorCommand {
    private DoorCommand() {}

    /** The owner key's options, shared by key and endorse. */
    static final class OwnerKey {
        @Option(
                names = "--key",
                paramLabel = "OWNER.key",
                description = "The owner's private key (default: owner.key beside the config).")
        Path key;

        @Option(
                names = "--passphrase-file",
                paramLabel = "FILE",
                description = "Passphrase of an encrypted owner key (else asked).")
        Path passphraseFile;

        SigningKey load(DeviceConfig device, CliContext context) throws CliException {
            return SigningKeys.load(
                    key != null ? key : besideTheConfig(device), passphraseFile, context);
        }

        /** Where `init` put the owner key: owner.key beside the config. */
        static Path besideTheConfig(DeviceConfig device) {
            return device.source().toAbsolutePath().getParent().resolve("owner.key");
        }
    }

    @Command(
            name = "key",
            mixinStandardHelpOptions = true,
            header = "Give the door its own key and id (the step after upgrading an older door).",
            description = {
                "Makes the door key in the state directory if there is none (never replaces one),"
                    + " writes its public half (door.pub) beside the config and the owner's"
                    + " endorsement (door.endorsement), and prints the door id. Tokens and"
                    + " revocation lists are addressed to that id: those that name the door by its"
                    + " lock_id are refused from then on, and must be issued again. Run it with"
                    + " latchkeyd stopped."
            })
    static final class Key implements Callable<Integer> {
        private final CliContext context;

        @Spec CommandSpec spec;

        @Mixin ConfigOption config;

        @Mixin OwnerKey owner;

        @Option(
                names = "--new",
                description =
                        "The state directory lost its door key: give the door a new identity"
                                + " (every token and list must be issued again).")
        boolean newIdentity;

        Key(CliContext context) {
            this.context = context;
        }

        @Override
        public Integer call() throws Exception {
            DeviceConfig device = config.load();
            SigningKey ownerKey = owner.load(device, context);
            DoorIdentitySetup.Result r;
            try {
                r =
                        DoorIdentitySetup.ensure(
                                device,
                                Optional.of(ownerKey),
                                newIdentity,
                                context.clock().instant(),
                                context.random());
            } finally {
                ownerKey.destroy();
            }
            PrintWriter out = spec.commandLine().getOut();
            out.println("door id      " + r.door().pid());
            out.println("fingerprint  " + DoorCard.fingerprint(r.door()));
            out.println("door.pub     " + DoorKeys.publicFile(device.source()));
            if (r.made()) {
                spec.commandLine()
                        .getErr()
                        .println(
                                "A new door identity. Tokens and revocation lists are addressed to"
                                    + " this door id from now on; those issued before (naming the"
                                    + " door by its lock_id) are refused WRONG_LOCK: issue them"
                                    + " again (latchkey token issue --config "
                                        + device.source()
                                        + ", or give companies the card: latchkey door card).");
            }
            return ExitCode.OK;
        }
    }

    @Command(
            name = "endorse",
            mixinStandardHelpOptions = true,
            description =
                    "Sign the owner's endorsement of the door key again (after the owner key, the"
                            + " lock id or the fleet changed): the card carries it.")
    static final class Endorse implements Callable<Integer> {
        private final CliContext context;

        @Spec CommandSpec spec;

        @Mixin ConfigOption config;

        @Mixin OwnerKey owner;

        Endorse(CliContext context) {
            this.context = context;
        }

        @Override
        public Integer call() throws Exception {
            DeviceConfig device = config.load();
            var door =
                    DoorKeys.readPublic(device.source())
                            .orElseThrow(
                                    () ->
                                            CliException.failed(
                                                    "no door.pub beside the config: run latchkey"
                                                            + " door key first"));
            SigningKey ownerKey = owner.load(device, context);
            try {
                DoorKeys.writeEndorsement(
                        device.source(),
                        DoorCard.endorse(
                                ownerKey,
                                door,
                                device.lockId(),
                                device.fleetId(),
                                context.clock().instant()));
                spec.commandLine()
                        .getOut()
                        .println(
                                "endorsed door "
                                        + door.pid()
                                        + " with owner key "
                                        + ownerKey.publicKey().pid());
            } finally {
                ownerKey.destroy();
            }
            return ExitCode.OK;
        }
    }

    @Command(
            name = "card",
            mixinStandardHelpOptions = true,
            header = "Print the door's card: what a company needs to issue tokens for this door.",
            description =
                    "From the running latchkeyd (GET /v1/card), else signed here with the door key"
                            + " from the state directory. The card carries the door id and key, the"
                            + " lock id, time zone and fleet, and the owner's endorsement.")
    static final class Card implements Callable<Integer> {
        private final CliContext context;

        @Spec CommandSpec spec;

        @Mixin ConfigOption config;

        @Option(
                names = "--url",
                paramLabel = "URL",
                description = "latchkeyd's API (default: from the config).")
        String url;

        @Option(names = "--json", description = "Print the card's fields as JSON.")
        boolean json;

        @Option(names = "--qr", description = "Also print the card as a QR code in the terminal.")
        boolean qr;

        @Option(
                names = "--png",
                paramLabel = "FILE",
                description = "Also write the card as a QR code image (PNG).")
        Path png;

        Card(CliContext context) {
            this.context = context;
        }

        @Override
        public Integer call() throws Exception {
            DeviceConfig device = config.load();
            String text = fromDaemon(device).orElse(null);
            if (text == null) {
                text = signHere(device);
            }
            DoorCard.Verified card;
            try {
                card = DoorCard.verify(text);
            } catch (TokenRejectedException e) {
                throw CliException.failed("the door's card does not verify: " + e.getMessage());
            }
            if (png != null) {
                if (java.nio.file.Files.exists(png)) {
                    throw CliException.failed(png + " already exists: refusing to overwrite it");
                }
                QrCodes.png(QrCodes.encode(text), png);
                spec.commandLine().getErr().println("wrote the QR code to " + png);
            }
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                ObjectNode o = DoorCard.json(card);
                JsonOutput.print(spec, o);
                return ExitCode.OK;
            }
            if (qr) {
                out.print(QrCodes.terminal(QrCodes.encode(text)));
            }
            out.println(text);
            describe(spec.commandLine().getErr(), card);
            return ExitCode.OK;
        }

        private Optional<String> fromDaemon(DeviceConfig device) throws CliException {
            DaemonClient client =
                    new DaemonClient(
                            DaemonClient.baseUrl(Optional.ofNullable(url), Optional.of(device)));
            Optional<HttpResponse<String>> r = client.get("/v1/card");
            if (r.isEmpty() || r.get().statusCode() != 200) {
                return Optional.empty();
            }
            try {
                JsonNode body = Json.read(r.get().body());
                return Optional.of(body.path("card").asText());
            } catch (IOException e) {
                return Optional.empty();
            }
        }

        private String signHere(DeviceConfig device) throws CliException {
            Optional<SigningKey> key;
            try {
                key = DoorKeys.readKey(device.stateDir());
            } catch (IOException e) {
                throw CliException.failed(e.getMessage() + " (run as the daemon's user or root)");
            }
            if (key.isEmpty()) {
                throw CliException.failed(
                        "latchkeyd does not answer and "
                                + device.stateDir()
                                + " holds no door key: run latchkey door key --config "
                                + device.source());
            }
            try {
                return DoorCard.sign(
                        key.get(),
                        device.lockId(),
                        device.zone(),
                        device.fleetId(),
                        DoorKeys.readEndorsement(device.source()),
                        context.clock().instant());
            } catch (IOException e) {
                throw CliException.failed(IoProblems.describe(e));
            } finally {
                key.get().destroy();
            }
        }
    }

    @Command(
            name = "verify-card",
            mixinStandardHelpOptions = true,
            description =
                    "Check a door card: signed by the door key it carries, endorsed by the owner"
                        + " key it names. Compare both fingerprints with the owner by other means.")
    static final class VerifyCard implements Callable<Integer> {
        @Spec CommandSpec spec;

        @Parameters(paramLabel = "CARD", description = "A card file, or the v4.public… text.")
        String card;

        @Option(names = "--json", description = "Print the card's fields as JSON.")
        boolean json;

        @Override
        public Integer call() throws Exception {
            DoorCard.Verified c;
            String text = card;
            try {
                c = DoorTarget.readCard(text);
            } catch (CliException e) {
                throw new CliException(ExitCode.REJECTED, e.getMessage());
            }
            if (json) {
                JsonOutput.print(spec, DoorCard.json(c));
            } else {
                describe(spec.commandLine().getOut(), c);
            }
            return c.endorsement().isPresent() ? ExitCode.OK : ExitCode.REJECTED;
        }
    }

    /** A card in words, for people. */
    static void describe(PrintWriter out, DoorCard.Verified c) {
        out.println("door card of \"" + Terminal.escape(c.lockId()) + "\", signed by its door key");
        out.println("  door id      " + c.doorId());
        out.println("  fingerprint  " + DoorCard.fingerprint(c.doorKey()));
        out.println("  time zone    " + c.zone().getId());
        c.fleetId().ifPresent(f -> out.println("  fleet        " + Terminal.escape(f)));
        out.println("  issued       " + Rfc3339.format(c.issuedAt()));
        if (c.endorsement().isPresent()) {
            var e = c.endorsement().get();
            out.println("  endorsed by  owner key " + e.ownerKey().pid());
            out.println("               fingerprint " + DoorCard.fingerprint(e.ownerKey()));
            out.println("               on " + Rfc3339.format(e.issuedAt()));
            out.println(
                    "Check both fingerprints with the door's owner by another way (phone, paper)"
                            + " before you trust the card.");
        } else {
            out.println(
                    "  NOT ENDORSED: no owner key stands behind this card; anyone's device could"
                            + " have made it.");
        }
    }
}
