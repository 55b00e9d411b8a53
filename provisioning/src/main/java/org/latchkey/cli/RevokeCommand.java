package org.latchkey.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.latchkey.config.DeviceConfig;
import org.latchkey.identity.DoorKeys;
import org.latchkey.store.LockFile;
import org.latchkey.store.RevocationStore;
import org.latchkey.store.StateDir;
import org.latchkey.store.Storage;
import org.latchkey.token.AccessClaims;
import org.latchkey.token.AccessTokens;
import org.latchkey.token.Json;
import org.latchkey.token.Paserk;
import org.latchkey.token.RejectionReason;
import org.latchkey.token.RevocationList;
import org.latchkey.token.RevocationListVerifier;
import org.latchkey.token.Rfc3339;
import org.latchkey.token.SignedToken;
import org.latchkey.token.SigningKey;
import org.latchkey.token.TokenRejectedException;

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
            "Revoke tokens (KID/JTI) or whole issuer keys (KID): builds the next revocation list"
                + " (seq + 1, everything revoked so far plus the new entries), signs it with the"
                + " owner key and installs it, through the running daemon's API when it is up, else"
                + " into the state directory. --list shows what is revoked. After the owner key was"
                + " replaced, --resign signs what is revoked again with the new key (--key).",
            "--fleet does the same for the fleet's list (aud = the config's fleet_id): one list for"
                + " every door of a fleet, installed on this door here and published to the others"
                + " (e.g. on the MQTT revocations topic)."
        })
final class RevokeCommand implements Callable<Integer> {
    private final CliContext context;

    @Spec CommandSpec spec;

    @Mixin ConfigOption config;

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
            description = "The owner's private key (default: owner.key beside the config).")
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
            description = "Also write the signed list to FILE (to publish it).")
    Path outFile;

    RevokeCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() throws Exception {
        DeviceConfig device = config.load();
        if (fleet && device.fleetId().isEmpty()) {
            throw CliException.usage("--fleet: " + config + " sets no fleet_id");
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
        Path keyFile =
                key != null
                        ? key
                        : device.source().toAbsolutePath().getParent().resolve("owner.key");
        SigningKey owner = SigningKeys.load(keyFile, passphraseFile, context);
        try {
            return install(device, verifier, scope, owner, out);
        } finally {
            owner.destroy();
        }
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
            if (sent.get().statusCode() != 200) {
                if (!reason.isEmpty()) {
                    throw new TokenRejectedException(
                            RejectionReason.valueOf(reason), answer.path("detail").asText());
                }
                throw CliException.failed(
                        "latchkeyd refused the list: "
                                + sent.get().statusCode()
                                + " "
                                + sent.get().body().strip());
            }
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
            state = StateDir.open(device.stateDir());
        } catch (IOException e) {
            throw CliException.failed(
                    "latchkeyd is not running and the state directory cannot be used: "
                            + e.getMessage());
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
                            + e.getMessage());
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
