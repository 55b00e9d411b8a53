package org.latchkey.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.latchkey.config.DeviceConfig;
import org.latchkey.identity.DoorKeys;
import org.latchkey.store.AtomicFiles;
import org.latchkey.store.LockFile;
import org.latchkey.store.RevocationStore;
import org.latchkey.store.StateDir;
import org.latchkey.store.Storage;
import org.latchkey.token.AccessClaims;
import org.latchkey.token.AccessTokens;
import org.latchkey.token.DoorCard;
import org.latchkey.token.Json;
import org.latchkey.token.Paserk;
import org.latchkey.token.RejectionReason;
import org.latchkey.token.RevocationList;
import org.latchkey.token.RevocationListVerifier;
import org.latchkey.token.Rfc3339;
import org.latchkey.token.SignedToken;
import org.latchkey.token.SigningKey;

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
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.Callable;

@Command(
        name = "revoke",
        mixinStandardHelpOptions = true,
        header = "Revoke tokens or issuer keys; --list shows what is revoked.",
        description = {
            "On the door (--config): revoke tokens (KID/JTI) or whole issuer keys (KID): builds the"
                + " next revocation list (seq + 1, everything revoked so far plus the new entries),"
                + " signs it with the owner key and installs it, through the running daemon's API"
                + " when it is up, else into the state directory. --list shows what is revoked."
                + " After the owner key was replaced, --resign signs what is revoked again with the"
                + " new key (--key).",
            "--fleet does the same for the fleet's list (aud = the config's fleet_id): one list for"
                + " every door of a fleet, installed on this door here and published to the others"
                + " (e.g. on the MQTT revocations topic).",
            "A company, off the door (--door CARD or --lock DOOR_ID, --key company.key, --out"
                + " FILE): signs its own list, which may revoke only tokens its key signed (--jti"
                + " JTI or KID/JTI) and its key itself (--kid); its seq is Unix milliseconds unless"
                + " --seq says otherwise. Each new list replaces the company's previous one on the"
                + " door: name every token still to be refused. The door installs it from the API,"
                + " `latchkey revoke --install FILE --config …`, or MQTT (retained, on"
                + " <revocations_topic>/<the key's kid>)."
        })
final class RevokeCommand implements Callable<Integer> {
    private final CliContext context;

    @Spec CommandSpec spec;

    @Mixin DoorTarget target;

    @Option(
            names = "--install",
            paramLabel = "FILE",
            description =
                    "Install a signed revocation list (any trusted key's) from FILE ('-': standard"
                            + " input) on the door of --config.")
    String installFile;

    @Option(
            names = "--seq",
            paramLabel = "N",
            description =
                    "A company's list: its seq (default: now in Unix milliseconds; higher than the"
                            + " company's last list on the door).")
    Long seq;

    @Option(
            names = "--jti",
            paramLabel = "KID/JTI",
            description = "A token to revoke: its issuer's kid, a slash, its jti.")
    List<String> jtis = new ArrayList<>();

    @Option(
            names = "--kid",
            paramLabel = "KID",
            description = "An issuer key to revoke: every token it signed is refused.")
    List<String> kids = new ArrayList<>();

    @Option(
            names = "--key",
            paramLabel = "OWNER.key",
            description =
                    "The signing key: the owner's (default: owner.key beside the config), or a"
                            + " company's with --door.")
    Path key;

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

    @Option(names = "--list", description = "Show the installed revocation list instead.")
    boolean list;

    @Option(
            names = "--resign",
            description =
                    "Sign the installed revocations again (seq + 1), e.g. with a new owner key.")
    boolean resign;

    @Option(
            names = "--fleet",
            description = "Work on the fleet's list (aud = fleet_id) instead of this door's own.")
    boolean fleet;

    @Option(
            names = "--out",
            paramLabel = "FILE",
            description =
                    "Also write the signed list to FILE (to publish it); a company's list: where"
                            + " it goes ('-': standard output).")
    Path outFile;

    RevokeCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() throws Exception {
        if (target.config == null) {
            return companyList(target.resolve());
        }
        DeviceConfig device = DeviceConfigs.load(target.config);
        if (installFile != null) {
            return installGiven(device);
        }
        if (fleet && device.fleetId().isEmpty()) {
            throw CliException.usage("--fleet: " + target.config + " sets no fleet_id");
        }
        RevocationListVerifier verifier =
                new RevocationListVerifier(
                        DoorKeys.audience(device), device.fleetId(), device.trustStore());
        RevocationList.Scope scope = fleet ? RevocationList.Scope.FLEET : RevocationList.Scope.LOCK;
        PrintWriter out = spec.commandLine().getOut();
        if (list) {
            RevocationStore store = readOnly(device, verifier);
            RevocationList installed = store.installed().of(scope);
            out.println(
                    (fleet ? "fleet " : "")
                            + "revocation list seq "
                            + installed.seq()
                            + (installed.seq() == 0
                                    ? " (none installed)"
                                    : ", issued " + Rfc3339.format(installed.issuedAt())));
            new TreeSet<>(installed.keyIds()).forEach(k -> out.println("key    " + k));
            new TreeSet<>(installed.tokenIds()).forEach(t -> out.println("token  " + t));
            for (RevocationList other : store.installed().othersInOrder()) {
                if (other.scope() != scope) {
                    continue;
                }
                out.println(
                        other.slot().describe().replace("list", "revocation list")
                                + " seq "
                                + other.seq()
                                + (other.unreadable()
                                        ? " (cannot be read: that key's tokens are refused)"
                                        : ", issued " + Rfc3339.format(other.issuedAt())));
                new TreeSet<>(other.keyIds()).forEach(k -> out.println("key    " + k));
                new TreeSet<>(other.tokenIds()).forEach(t -> out.println("token  " + t));
            }
            if (store.signerUntrusted()) {
                spec.commandLine()
                        .getErr()
                        .println(
                                "note: an installed list was signed by a key that is no longer a"
                                    + " trusted owner key; sign it again with the new owner key:"
                                    + " latchkey revoke --resign --key NEW.key");
            }
            return ExitCode.OK;
        }
        if (jtis.isEmpty() && kids.isEmpty() && !resign) {
            throw CliException.usage(
                    "name at least one --jti KID/JTI or --kid KID (or use --list, or --resign)");
        }
        for (String j : jtis) {
            int slash = j.indexOf('/');
            if (slash < 0
                    || !Paserk.PID.matcher(j.substring(0, slash)).matches()
                    || !AccessClaims.TOKEN_ID.matcher(j.substring(slash + 1)).matches()) {
                throw CliException.usage("--jti: '" + j + "' is not k4.pid.…/<jti>");
            }
        }
        for (String k : kids) {
            if (!Paserk.PID.matcher(k).matches()) {
                throw CliException.usage("--kid: '" + k + "' is not a k4.pid.… key id");
            }
        }
        Path keyFile = key != null ? key : DoorCommand.OwnerKey.besideTheConfig(device);
        SigningKey owner = SigningKeys.load(keyFile, passphraseFile, context);
        try {
            return install(device, verifier, scope, owner, out);
        } finally {
            owner.destroy();
        }
    }

    /**
     * A company's own list, signed off the door: only its own tokens and key, a seq it makes alone
     * (Unix milliseconds by default).
     */
    private int companyList(DoorTarget.Door door) throws Exception {
        if (key == null) {
            throw CliException.usage("--key: the company's private key signs its list");
        }
        if (outFile == null) {
            throw CliException.usage(
                    "--out FILE: where the signed list goes ('-': standard output)");
        }
        if (list || resign || installFile != null) {
            throw CliException.usage(
                    "--list, --resign and --install work on the door: name it with --config FILE");
        }
        if (jtis.isEmpty() && kids.isEmpty()) {
            throw CliException.usage("name at least one --jti JTI (or KID/JTI) or --kid KID");
        }
        String aud = door.doorId();
        if (fleet) {
            aud =
                    door.card()
                            .flatMap(DoorCard.Verified::fleetId)
                            .orElseThrow(
                                    () ->
                                            CliException.usage(
                                                    "--fleet: the door card names no fleet"
                                                            + " (--lock gives none either)"));
        }
        long n = seq != null ? seq : context.clock().instant().toEpochMilli();
        if (n < 1 || n > RevocationListVerifier.MAX_SEQ) {
            throw CliException.usage("--seq: from 1 to " + RevocationListVerifier.MAX_SEQ);
        }
        SigningKey company = SigningKeys.load(key, passphraseFile, context);
        try {
            String kid = company.publicKey().pid();
            TreeSet<String> tokenIds = new TreeSet<>();
            for (String j : jtis) {
                String ref = j.contains("/") ? j : kid + "/" + j;
                if (!ref.startsWith(kid + "/")
                        || !AccessClaims.TOKEN_ID
                                .matcher(ref.substring(kid.length() + 1))
                                .matches()) {
                    throw CliException.usage(
                            "--jti: '"
                                    + Terminal.escape(j)
                                    + "' is not a token of this key ("
                                    + kid
                                    + "): a company's list may revoke only its own tokens");
                }
                tokenIds.add(ref);
            }
            for (String k : kids) {
                if (!k.equals(kid)) {
                    throw CliException.usage(
                            "--kid: a company's list may revoke only its own key, " + kid);
                }
            }
            ObjectNode o = Json.object();
            o.put("typ", RevocationListVerifier.TYPE);
            o.put("aud", aud);
            o.put("seq", n);
            o.put("iat", Rfc3339.format(context.clock().instant()));
            tokenIds.forEach(o.putArray("jti")::add);
            new TreeSet<>(kids).forEach(o.putArray("kid")::add);
            String text =
                    AccessTokens.sign(company, Json.write(o).getBytes(StandardCharsets.UTF_8));
            if (outFile.toString().equals("-")) {
                spec.commandLine().getOut().println(text);
            } else {
                AtomicFiles.write(outFile, (text + "\n").getBytes(StandardCharsets.US_ASCII));
            }
            spec.commandLine()
                    .getErr()
                    .println(
                            "signed revocation list "
                                    + n
                                    + " of key "
                                    + kid
                                    + " for "
                                    + (fleet ? "fleet " + aud : "door " + aud)
                                    + ": "
                                    + tokenIds.size()
                                    + " token(s), "
                                    + kids.size()
                                    + " key(s). It replaces this key's previous list on the door."
                                    + " Install it: POST /v1/revocations, latchkey revoke --install"
                                    + " FILE --config … on the door, or MQTT (retained) on"
                                    + " <revocations_topic>/"
                                    + kid);
            return ExitCode.OK;
        } finally {
            company.destroy();
        }
    }

    /** A list signed elsewhere (a company's, a fleet's), installed on this door. */
    private int installGiven(DeviceConfig device) throws Exception {
        String text;
        if (installFile.equals("-")) {
            text =
                    new String(
                            System.in.readNBytes(SignedToken.MAX_DOCUMENT_BYTES + 2),
                            StandardCharsets.US_ASCII);
        } else {
            Path f = Path.of(installFile);
            if (Files.size(f) > SignedToken.MAX_DOCUMENT_BYTES + 2) {
                throw CliException.failed(f + ": larger than a revocation list may be");
            }
            text = Files.readString(f, StandardCharsets.US_ASCII);
        }
        text = SignedToken.withoutLineEnd(text.strip());
        RevocationListVerifier verifier =
                new RevocationListVerifier(
                        DoorKeys.audience(device), device.fleetId(), device.trustStore());
        PrintWriter out = spec.commandLine().getOut();
        DaemonClient client =
                new DaemonClient(
                        DaemonClient.baseUrl(Optional.ofNullable(url), Optional.of(device)));
        // Checked here first: a list this door would refuse is refused with its reason, offline.
        RevocationList next = verifier.verify(text, readOnly(device, verifier).installed());
        Optional<HttpResponse<String>> sent = client.post("/v1/revocations", text);
        if (sent.isPresent()) {
            JsonNode answer = DaemonClient.accepted(sent.get(), "the list");
            out.println(
                    Terminal.escape(answer.path("detail").asText())
                            + " through latchkeyd at "
                            + client.base());
            return revoked(next, out);
        }
        Path state;
        try {
            state = StateDir.openToWrite(device.stateDir());
        } catch (IOException e) {
            throw CliException.failed(
                    "latchkeyd is not running and the list cannot go into the state directory: "
                            + IoProblems.describe(e));
        }
        try (LockFile lock = StateDir.lock(state, "latchkey revoke", LockFile.WAIT)) {
            next =
                    RevocationStore.open(Storage.REAL, state, () -> verifier)
                            .install(SignedToken.document(text));
        }
        out.println(
                next.slot().describe().replace("list", "revocation list")
                        + " "
                        + next.seq()
                        + " installed into "
                        + device.stateDir()
                        + " (latchkeyd is not running; it loads the list when it starts)");
        return revoked(next, out);
    }

    /** How often a list is signed again because another revoke was installed first. */
    private static final int ATTEMPTS = 3;

    /**
     * Signs the next list and installs it: through the running daemon, or, when none answers, into
     * the state directory under its lock. Another revoke installed first (the daemon answers
     * SEQ_NOT_NEWER) means a list built on what is now installed is signed again, so that neither
     * change is lost.
     */
    private int install(
            DeviceConfig device,
            RevocationListVerifier verifier,
            RevocationList.Scope scope,
            SigningKey owner,
            PrintWriter out)
            throws Exception {
        DaemonClient client =
                new DaemonClient(
                        DaemonClient.baseUrl(Optional.ofNullable(url), Optional.of(device)));
        for (int attempt = 1; ; attempt++) {
            RevocationStore seen = readOnly(device, verifier);
            String text = sign(seen.installed().of(scope), seen.highestSeq(scope), device, owner);
            // Check locally first: a list signed with the wrong key never leaves this machine.
            RevocationList next = verifier.verify(text, seen.installed());
            Optional<HttpResponse<String>> sent = client.post("/v1/revocations", text);
            if (sent.isEmpty()) {
                return installOffline(device, verifier, scope, owner, out);
            }
            JsonNode answer = Json.read(sent.get().body());
            String reason = answer.path("reason").asText("");
            if (sent.get().statusCode() == 403
                    && reason.equals(RejectionReason.SEQ_NOT_NEWER.name())
                    && attempt < ATTEMPTS) {
                continue; // another list went in first: build on it
            }
            DaemonClient.accepted(sent.get(), "the list");
            writeOut(text);
            out.println(
                    "installed "
                            + (fleet ? "fleet " : "")
                            + "revocation list "
                            + next.seq()
                            + " through latchkeyd at "
                            + client.base());
            return revoked(next, out);
        }
    }

    /** No daemon answers: the list goes into the state directory, under its lock. */
    private int installOffline(
            DeviceConfig device,
            RevocationListVerifier verifier,
            RevocationList.Scope scope,
            SigningKey owner,
            PrintWriter out)
            throws Exception {
        Path state;
        try {
            state = StateDir.openToWrite(device.stateDir());
        } catch (IOException e) {
            throw CliException.failed(
                    "latchkeyd is not running and the state directory cannot be used: "
                            + IoProblems.describe(e));
        }
        RevocationList next;
        String text;
        try (LockFile lock = StateDir.lock(state, "latchkey revoke", LockFile.WAIT)) {
            RevocationStore store = RevocationStore.open(Storage.REAL, state, () -> verifier);
            text = sign(store.installed().of(scope), store.highestSeq(scope), device, owner);
            next = store.install(SignedToken.document(text));
        } catch (LockFile.HeldException e) {
            throw CliException.failed(
                    (e.holder().contains("latchkeyd")
                                    ? "latchkeyd is running on "
                                            + state
                                            + " but its API does not answer"
                                    : "another command is changing " + state)
                            + " ("
                            + e.getMessage()
                            + "): nothing was revoked, try again");
        } catch (IOException e) {
            throw CliException.failed(
                    "latchkeyd is not running and the state directory cannot be written: "
                            + IoProblems.describe(e));
        }
        writeOut(text);
        out.println(
                "installed "
                        + (fleet ? "fleet " : "")
                        + "revocation list "
                        + next.seq()
                        + " into "
                        + device.stateDir()
                        + " (latchkeyd is not running; it loads the list when it starts)");
        return revoked(next, out);
    }

    private int revoked(RevocationList next, PrintWriter out) {
        out.println(
                "revoked: "
                        + next.keyIds().size()
                        + " key(s), "
                        + next.tokenIds().size()
                        + " token(s)");
        return ExitCode.OK;
    }

    private void writeOut(String text) throws IOException {
        if (outFile != null) {
            Files.writeString(outFile, text + "\n", StandardCharsets.US_ASCII);
        }
    }

    /** The installed lists as the state directory holds them, read without writing anything. */
    private static RevocationStore readOnly(DeviceConfig device, RevocationListVerifier verifier) {
        return RevocationStore.open(Storage.READ_ONLY, device.stateDir(), () -> verifier);
    }

    /** This door's id, which its own lists are addressed to. */
    private static String doorId(DeviceConfig device) throws CliException {
        return DoorKeys.audience(device)
                .doorId()
                .orElseThrow(
                        () ->
                                CliException.failed(
                                        "this door has no identity yet (no door.pub beside "
                                                + device.source()
                                                + "): run latchkey door key --config "
                                                + device.source()));
    }

    /**
     * The next list: seq beyond every list this door has installed, all that was revoked plus the
     * new entries.
     */
    private String sign(
            RevocationList installed, long highestSeq, DeviceConfig device, SigningKey owner)
            throws CliException {
        if (fleet && (installed.unreadable() || highestSeq > installed.seq())) {
            // A fleet list goes to every door: one built on a list this door cannot read (or on a
            // seq above the list it holds, which anyone who can write its folder could set) would
            // drop what the fleet revoked before.
            throw CliException.failed(
                    "this door's fleet list "
                            + (installed.unreadable()
                                    ? "cannot be read"
                                    : "is list "
                                            + installed.seq()
                                            + " but list "
                                            + highestSeq
                                            + " was installed")
                            + ": a fleet list built on it could drop earlier revocations on every"
                            + " door. Sign the next fleet list from your own record of what the"
                            + " fleet revoked (the files --out wrote), on a door whose fleet list"
                            + " is whole, and install it here with revoke --install");
        }
        TreeSet<String> tokenIds = new TreeSet<>(installed.tokenIds());
        tokenIds.addAll(jtis);
        TreeSet<String> keyIds = new TreeSet<>(installed.keyIds());
        keyIds.addAll(kids);
        ObjectNode o = Json.object();
        o.put("typ", RevocationListVerifier.TYPE);
        o.put("aud", fleet ? device.fleetId().orElseThrow() : doorId(device));
        o.put("seq", highestSeq + 1);
        o.put("iat", Rfc3339.format(context.clock().instant()));
        tokenIds.forEach(o.putArray("jti")::add);
        keyIds.forEach(o.putArray("kid")::add);
        return AccessTokens.sign(owner, Json.write(o).getBytes(StandardCharsets.UTF_8));
    }
}
