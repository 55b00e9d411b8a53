package org.latchkey.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;

import org.latchkey.assembly.StateDirEnrolments;
import org.latchkey.config.DeviceConfig;
import org.latchkey.identity.DoorKeys;
import org.latchkey.token.AccessClaims;
import org.latchkey.token.AccessTokenVerifier;
import org.latchkey.token.ClockReading;
import org.latchkey.token.RevocationLists;
import org.latchkey.token.Rfc3339;
import org.latchkey.token.TokenRejectedException;
import org.latchkey.token.TrustStore;
import org.latchkey.token.VerifiedAccess;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.time.Instant;
import java.util.concurrent.Callable;

@Command(
        name = "verify",
        mixinStandardHelpOptions = true,
        header = "Verify a token as the door would.",
        description =
                "Verify a token as the door would: exit 0 and the grant on stdout, or exit 3 and"
                    + " 'rejected: REASON' on stderr. The clock is taken as trusted; the revocation"
                    + " list installed in the config's state directory applies when it is readable"
                    + " here.")
final class TokenVerifyCommand implements Callable<Integer> {
    private final CliContext context;

    @Spec CommandSpec spec;

    @Mixin ConfigOption config;

    @Option(
            names = "--at",
            paramLabel = "TIME",
            description =
                    "Verify as of this time: a local time in the door's time zone (2026-12-08"
                            + " 09:00), RFC 3339 with an offset, or now (the default).")
    String at;

    @Parameters(paramLabel = "TOKEN", description = "The token, or - to read it from stdin.")
    String token;

    @Option(names = "--json", description = "Print the result as JSON (also on rejection).")
    boolean json;

    TokenVerifyCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() throws Exception {
        DeviceConfig device = config.load();
        Instant when =
                at == null
                        ? context.clock().instant()
                        : LocalTimes.parse(
                                at,
                                "--at",
                                context.clock(),
                                LocalTimes.Zone.door(device.zone()),
                                false,
                                spec.commandLine().getErr());
        AccessTokenVerifier verifier = verifierFor(device);
        try {
            print(
                    verifier.verify(
                            TokenInput.read(token, System.in),
                            new ClockReading.Trusted(when),
                            installedRevocations(device)),
                    device.zone());
            return ExitCode.OK;
        } catch (TokenRejectedException e) {
            if (json) {
                ObjectNode o = JsonOutput.object();
                o.put("valid", false);
                o.put("reason", e.reason().name());
                o.put("detail", e.detail());
                JsonOutput.print(spec, o);
            }
            throw e;
        }
    }

    /**
     * The door's own token check, from its config and, where its state directory is readable here,
     * the keys enrolled there: what token issue --config checks too.
     */
    static AccessTokenVerifier verifierFor(DeviceConfig device) {
        return new AccessTokenVerifier(
                DoorKeys.audience(device), trustIn(device), device.clock(), device.zone());
    }

    /** The keys the door trusts: its config's, and the enrolled ones when they can be read. */
    static TrustStore trustIn(DeviceConfig device) {
        return stateDirTrust(device).map(t -> t.keys().trust()).orElse(device.trustStore());
    }

    /**
     * The door's installed revocation lists when its state directory is readable here; none
     * otherwise.
     */
    static RevocationLists installedRevocations(DeviceConfig device) {
        return stateDirTrust(device)
                .map(StateDirEnrolments.Trust::revocations)
                .orElse(RevocationLists.NONE);
    }

    private static java.util.Optional<StateDirEnrolments.Trust> stateDirTrust(DeviceConfig device) {
        if (!java.nio.file.Files.isReadable(device.stateDir())) {
            return java.util.Optional.empty();
        }
        try {
            return java.util.Optional.of(StateDirEnrolments.trust(device, device.stateDir()));
        } catch (java.io.IOException e) {
            return java.util.Optional.empty();
        }
    }

    private void print(VerifiedAccess v, java.time.ZoneId zone) {
        AccessClaims c = v.claims();
        if (json) {
            ObjectNode o = JsonOutput.object();
            o.put("valid", true);
            o.put("issuer", v.issuer().name());
            o.put("kid", v.kid());
            o.put("role", c.role().wireName());
            o.put("use", c.use().wireName());
            o.put("sub", c.subject());
            o.put("jti", c.tokenId());
            o.put("iss", c.issuer());
            o.put("iat", Rfc3339.format(c.issuedAt()));
            o.put("nbf", Rfc3339.format(c.notBefore()));
            o.put("exp", Rfc3339.format(c.expires()));
            c.hours().ifPresent(h -> o.put("hours", h.toString()));
            JsonOutput.print(spec, o);
            return;
        }
        PrintWriter out = spec.commandLine().getOut();
        out.printf(
                "valid: %s token, use %s, for \"%s\"%n",
                c.role().wireName(), c.use().wireName(), Terminal.escape(c.subject()));
        out.printf("  issuer  %s (%s)%n", Terminal.escape(v.issuer().name()), v.kid());
        out.printf("  jti     %s%n", c.tokenId());
        // In the door's time zone, with the offset: what the person at the door reads (--json:
        // UTC).
        out.printf(
                "  window  %s to %s (%s)%n",
                LocalTimes.show(c.notBefore(), zone, false),
                LocalTimes.show(c.expires(), zone, false),
                zone.getId());
        c.hours().ifPresent(h -> out.printf("  hours   %s (%s)%n", h, zone.getId()));
    }
}
