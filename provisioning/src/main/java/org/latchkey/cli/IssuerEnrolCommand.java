package org.latchkey.cli;

import com.fasterxml.jackson.databind.JsonNode;

import org.latchkey.assembly.StateDirEnrolments;
import org.latchkey.config.DeviceConfig;
import org.latchkey.identity.DoorKeys;
import org.latchkey.store.LockFile;
import org.latchkey.store.StateDir;
import org.latchkey.token.AccessTokens;
import org.latchkey.token.Enrolment;
import org.latchkey.token.IssuerPolicy;
import org.latchkey.token.PublicKey;
import org.latchkey.token.SigningKey;
import org.latchkey.token.TrustedIssuer;

import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * {@code latchkey issuer enrol}: the owner lets the door trust a phone's key, as an owner-signed
 * enrolment the door keeps in its state directory (its config may be read-only under the unit).
 */
@Command(
        name = "enrol",
        mixinStandardHelpOptions = true,
        header = "Enrol a phone's key (latchkey pass) with its policy, signed by the owner key.",
        description = {
            "Signs an enrolment (the key, its name, the roles it may grant, its longest window;"
                + " valid 10 minutes, used once) with the owner key and gives it to the door:"
                + " through the running latchkeyd, else into the state directory. Prints it as a QR"
                + " code too: scan it with the phone (latchkey pass → My key → Import my enrolment)"
                + " so the app knows what the door lets it sign. With --document, installs an"
                + " enrolment another owner phone made instead."
        })
final class IssuerEnrolCommand implements Callable<Integer> {
    static final Duration VALIDITY = Duration.ofMinutes(10);

    private final CliContext context;

    @Spec CommandSpec spec;

    @Mixin ConfigOption config;

    @ArgGroup(exclusive = true, multiplicity = "1")
    What what;

    static final class What {
        @ArgGroup(exclusive = false)
        NewKey key;

        @Option(
                names = "--document",
                paramLabel = "FILE",
                description = "An enrolment made by an owner's phone (a file, or - for stdin).")
        String document;
    }

    static final class NewKey {
        @Option(
                names = "--name",
                required = true,
                paramLabel = "NAME",
                description = "A name for people and the audit log, e.g. anna-phone.")
        String name;

        @Option(
                names = "--key",
                required = true,
                paramLabel = "KEY",
                description = "The phone's public key: k4.public.… (the app shows it) or a file.")
        String key;

        @Option(
                names = "--roles",
                required = true,
                split = ",",
                paramLabel = "ROLE",
                description = "Roles it may grant: owner, delivery, service, guest.")
        List<String> roles;

        @Option(
                names = "--max-window",
                required = true,
                paramLabel = "DURATION",
                description = "Longest window it may grant, e.g. 62d (at most 366d).")
        String maxWindow;

        @Option(
                names = "--hours",
                paramLabel = "HOURS",
                description = "When its passes may be used, e.g. \"Mon-Sat 08:00-20:00\".")
        String hours;

        @Option(names = "--once-only", description = "It may issue only once passes.")
        boolean onceOnly;
    }

    @Option(
            names = "--owner-key",
            paramLabel = "OWNER.key",
            description = "The owner's private key (default: owner.key beside the config).")
    Path ownerKey;

    @Option(
            names = "--passphrase-file",
            paramLabel = "FILE",
            description = "Passphrase of an encrypted owner key (else asked).")
    Path passphraseFile;

    @Option(
            names = "--url",
            paramLabel = "URL",
            description = "latchkeyd's API (default: from the config).")
    String url;

    @Option(names = "--no-qr", description = "Do not print the enrolment as a QR code.")
    boolean noQr;

    IssuerEnrolCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() throws Exception {
        DeviceConfig device = config.load();
        String text = what.document != null ? document(what.document) : sign(device);
        PrintWriter out = spec.commandLine().getOut();
        DaemonClient client =
                new DaemonClient(
                        DaemonClient.baseUrl(Optional.ofNullable(url), Optional.of(device)));
        Optional<HttpResponse<String>> sent = client.post("/v1/issuers", text);
        if (sent.isPresent()) {
            JsonNode answer = DaemonClient.accepted(sent.get(), "the enrolment");
            out.println(
                    Terminal.escape(answer.path("detail").asText())
                            + " (through latchkeyd at "
                            + client.base()
                            + ")");
        } else {
            Enrolment e = offline(device, text);
            out.println(
                    "'"
                            + e.issuer().name()
                            + "' enrolled: "
                            + e.issuer().policy().describe()
                            + " (in "
                            + device.stateDir()
                            + "; latchkeyd trusts it when it starts)");
        }
        if (!noQr) {
            out.println();
            out.println(
                    "Scan this with the phone (latchkey pass → My key → Import my enrolment), so"
                            + " the app knows what it may sign:");
            out.print(QrCodes.terminal(QrCodes.encode(text)));
            out.println(text);
        }
        return ExitCode.OK;
    }

    private Enrolment offline(DeviceConfig device, String text) throws Exception {
        Path state;
        try {
            state = StateDir.openToWrite(device.stateDir());
        } catch (IOException e) {
            throw CliException.failed(
                    "latchkeyd is not running and the state directory cannot be used: "
                            + IoProblems.describe(e));
        }
        try (LockFile lock = StateDir.lock(state, "latchkey issuer enrol", LockFile.WAIT)) {
            return StateDirEnrolments.enrol(device, state, text, context.clock());
        } catch (LockFile.HeldException e) {
            throw CliException.failed(
                    "another process holds "
                            + state
                            + " ("
                            + e.getMessage()
                            + ") and latchkeyd's API does not answer: nothing was enrolled, try"
                            + " again");
        }
    }

    private String sign(DeviceConfig device) throws CliException {
        NewKey k = what.key;
        if (!Enrolment.NAME.matcher(k.name).matches()) {
            throw CliException.usage("--name: 1–64 characters of letters, digits, space . _ -");
        }
        PublicKey key = KeyFiles.readPublic(k.key);
        IssuerPolicy policy = IssuerPolicies.parse(k.roles, k.maxWindow, k.hours, k.onceOnly);
        String door =
                DoorKeys.audience(device)
                        .doorId()
                        .orElseThrow(
                                () ->
                                        CliException.failed(
                                                "this door has no identity yet: run latchkey door"
                                                        + " key --config "
                                                        + device.source()));
        if (door.equals(key.pid())) {
            throw CliException.usage(
                    "--key: that is the door's own key, which never grants access");
        }
        byte[] id = new byte[16];
        context.random().nextBytes(id);
        byte[] claims =
                Enrolment.claims(
                        new TrustedIssuer(k.name, key, policy),
                        door,
                        Base64.getUrlEncoder().withoutPadding().encodeToString(id),
                        context.clock().instant(),
                        VALIDITY);
        Path file = ownerKey != null ? ownerKey : DoorCommand.OwnerKey.besideTheConfig(device);
        SigningKey owner = SigningKeys.load(file, passphraseFile, context);
        try {
            return AccessTokens.sign(owner, claims);
        } finally {
            owner.destroy();
        }
    }

    /** The enrolment an owner's phone made: a file, {@code -} for stdin, or the text itself. */
    private static String document(String argument) throws Exception {
        if (!argument.equals("-") && !argument.startsWith("v4.")) {
            Path file = Path.of(argument);
            if (Files.size(file) > 4096) {
                throw CliException.usage("--document: " + file + " is too long for an enrolment");
            }
            return Files.readString(file, StandardCharsets.ISO_8859_1).strip();
        }
        return TokenInput.read(argument, System.in).strip();
    }
}
