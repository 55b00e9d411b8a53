package org.latchkey.cli;

import com.fasterxml.jackson.databind.JsonNode;

import org.latchkey.assembly.StateDirEnrolments;
import org.latchkey.config.DeviceConfig;
import org.latchkey.identity.DoorKeys;
import org.latchkey.store.LockFile;
import org.latchkey.store.StateDir;
import org.latchkey.token.AccessClaims;
import org.latchkey.token.AccessTokens;
import org.latchkey.token.Role;
import org.latchkey.token.SigningKey;
import org.latchkey.token.Use;

import picocli.CommandLine.Model.CommandSpec;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * `issuer remove` of an enrolled key: through the running latchkeyd (authorised by a short owner
 * token, used once), else in the state directory under its lock.
 */
final class EnrolmentRemoval {
    private final CommandSpec spec;
    private final CliContext context;
    private final Path ownerKey;
    private final Path passphraseFile;
    private final String url;

    EnrolmentRemoval(
            CommandSpec spec, CliContext context, Path ownerKey, Path passphraseFile, String url) {
        this.spec = spec;
        this.context = context;
        this.ownerKey = ownerKey;
        this.passphraseFile = passphraseFile;
        this.url = url;
    }

    void remove(DeviceConfig device, EnrolledKeys.Key key) throws Exception {
        String kid = key.issuer().kid();
        String name = key.issuer().name();
        DaemonClient client =
                new DaemonClient(
                        DaemonClient.baseUrl(Optional.ofNullable(url), Optional.of(device)));
        if (client.get("/v1/status").isPresent()) {
            Optional<HttpResponse<String>> sent =
                    client.post("/v1/issuers/remove", kid, ownerToken(device, name));
            JsonNode answer = DaemonClient.accepted(sent.orElseThrow(), "the removal");
            spec.commandLine()
                    .getOut()
                    .println(
                            "removed: "
                                    + Terminal.escape(answer.path("detail").asText())
                                    + " (through latchkeyd)");
        } else {
            Path state = StateDir.openToWrite(device.stateDir());
            List<String> gone;
            try (LockFile lock = StateDir.lock(state, "latchkey issuer remove", LockFile.WAIT)) {
                gone =
                        StateDirEnrolments.remove(device, state, kid, context.clock()).stream()
                                .map(e -> "'" + e.issuer().name() + "'")
                                .toList();
            } catch (LockFile.HeldException e) {
                throw CliException.failed(
                        "another process holds "
                                + state
                                + " ("
                                + e.getMessage()
                                + ") and latchkeyd's API does not answer: nothing was removed");
            }
            spec.commandLine()
                    .getOut()
                    .println(
                            "removed "
                                    + Terminal.escape(String.join(", ", gone))
                                    + " (enrolled, in "
                                    + state
                                    + ")");
        }
        spec.commandLine()
                .getErr()
                .println(
                        "its passes are refused from now on as UNKNOWN_KEY; keys it enrolled are no"
                                + " longer trusted either (enrol them again from another owner"
                                + " key). A lost phone: also revoke its key, latchkey revoke"
                                + " --config "
                                + device.source()
                                + " --kid "
                                + kid);
    }

    /** An owner once token, two minutes, that says what it is for. */
    private String ownerToken(DeviceConfig device, String name) throws CliException {
        Instant now = context.clock().instant();
        byte[] id = new byte[16];
        context.random().nextBytes(id);
        String door =
                DoorKeys.audience(device)
                        .doorId()
                        .orElseThrow(() -> CliException.failed("this door has no identity yet"));
        Path file = ownerKey != null ? ownerKey : DoorCommand.OwnerKey.besideTheConfig(device);
        SigningKey owner = SigningKeys.load(file, passphraseFile, context);
        try {
            return AccessTokens.issue(
                    owner,
                    new AccessClaims(
                            "latchkey issuer remove",
                            door,
                            Base64.getUrlEncoder().withoutPadding().encodeToString(id),
                            now,
                            now,
                            now.plus(Duration.ofMinutes(2)),
                            Use.ONCE,
                            Role.OWNER,
                            "remove " + name));
        } finally {
            owner.destroy();
        }
    }
}
