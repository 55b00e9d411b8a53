package org.latchkey.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.latchkey.assembly.StateDirClock;
import org.latchkey.config.DeviceConfig;
import org.latchkey.identity.DoorKeys;
import org.latchkey.store.LockFile;
import org.latchkey.store.StateDir;
import org.latchkey.token.AccessTokens;
import org.latchkey.token.ClockResetVerifier;
import org.latchkey.token.Json;
import org.latchkey.token.Rfc3339;
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
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import java.util.concurrent.Callable;

@Command(
        name = "clock",
        mixinStandardHelpOptions = true,
        description = "The door's clock: an owner's way back from a time floor that is wrong.")
final class ClockCommand {
    /** How long a statement of the time holds: long enough to install, short enough to be now. */
    static final Duration VALIDITY = Duration.ofMinutes(5);

    @Command(
            name = "reset",
            mixinStandardHelpOptions = true,
            header = "Tell the door, as its owner, that its clock may be believed again.",
            description = {
                "Signs a statement of the time (now, valid 5 minutes, used once) with the owner key"
                    + " and gives it to the door: through the running daemon, else into the state"
                    + " directory. The door checks that its own clock agrees, then takes now as its"
                    + " time floor — lower than before if the floor was wrong (a clock that jumped"
                    + " ahead, a floor lost or damaged) — and trusts its clock again. Once tokens"
                    + " whose records compaction dropped stay refused. Set the system clock right"
                    + " first (timedatectl)."
            })
    static final class Reset implements Callable<Integer> {
        private final CliContext context;

        @Spec CommandSpec spec;

        @Mixin ConfigOption config;

        @Mixin DoorCommand.OwnerKey ownerKey;

        @Option(
                names = "--url",
                paramLabel = "URL",
                description = "latchkeyd's API (default: from the config).")
        String url;

        @Option(
                names = "--out",
                paramLabel = "FILE",
                description = "Write the signed statement to FILE instead of installing it.")
        Path outFile;

        Reset(CliContext context) {
            this.context = context;
        }

        @Override
        public Integer call() throws Exception {
            DeviceConfig device = config.load();
            String statement = sign(device);
            PrintWriter out = spec.commandLine().getOut();
            if (outFile != null) {
                Files.writeString(outFile, statement + "\n", StandardCharsets.US_ASCII);
                out.println(
                        "wrote a clock reset valid until "
                                + Rfc3339.format(context.clock().instant().plus(VALIDITY))
                                + " to "
                                + outFile
                                + " (POST it to /v1/clock)");
                return ExitCode.OK;
            }
            DaemonClient client =
                    new DaemonClient(
                            DaemonClient.baseUrl(Optional.ofNullable(url), Optional.of(device)));
            Optional<HttpResponse<String>> sent = client.post("/v1/clock", statement);
            if (sent.isPresent()) {
                JsonNode answer = DaemonClient.accepted(sent.get(), "the clock reset");
                out.println(
                        Terminal.escape(answer.path("detail").asText())
                                + " (through latchkeyd at "
                                + client.base()
                                + ")");
                return ExitCode.OK;
            }
            Path state;
            try {
                state = StateDir.openToWrite(device.stateDir());
            } catch (IOException e) {
                throw CliException.failed(
                        "latchkeyd is not running and the state directory cannot be used: "
                                + IoProblems.describe(e));
            }
            StateDirClock.Result r;
            try (LockFile lock = StateDir.lock(state, "latchkey clock reset", LockFile.WAIT)) {
                r = StateDirClock.reset(device, state, statement, context.clock());
            } catch (LockFile.HeldException e) {
                throw CliException.failed(
                        (e.holder().contains("latchkeyd")
                                        ? "latchkeyd is running on "
                                                + state
                                                + " but its API does not answer"
                                        : "another command is changing " + state)
                                + " ("
                                + e.getMessage()
                                + "): the clock was not reset, try again");
            }
            out.println(
                    "time floor reset to "
                            + Rfc3339.format(r.floorNow())
                            + " (was "
                            + Rfc3339.format(r.floorBefore())
                            + ") in "
                            + state
                            + "; latchkeyd is not running and trusts its clock again when it"
                            + " starts");
            return ExitCode.OK;
        }

        /** The statement of the time: now, for this door, a few minutes, a fresh id. */
        private String sign(DeviceConfig device) throws CliException {
            Instant now = context.clock().instant();
            byte[] id = new byte[16];
            context.random().nextBytes(id);
            ObjectNode o = Json.object();
            o.put("typ", ClockResetVerifier.TYPE);
            o.put(
                    "aud",
                    DoorKeys.audience(device)
                            .doorId()
                            .orElseThrow(
                                    () ->
                                            CliException.failed(
                                                    "this door has no identity yet: run latchkey"
                                                            + " door key --config "
                                                            + device.source())));
            o.put("jti", Base64.getUrlEncoder().withoutPadding().encodeToString(id));
            o.put("iat", Rfc3339.format(now));
            o.put("exp", Rfc3339.format(now.plus(VALIDITY)));
            SigningKey owner = ownerKey.load(device, context);
            try {
                return AccessTokens.sign(owner, Json.write(o).getBytes(StandardCharsets.UTF_8));
            } finally {
                owner.destroy();
            }
        }
    }
}
