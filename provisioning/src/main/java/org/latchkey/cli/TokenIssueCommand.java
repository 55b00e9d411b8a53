package org.latchkey.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;

import org.latchkey.config.DeviceConfig;
import org.latchkey.config.Durations;
import org.latchkey.token.AccessClaims;
import org.latchkey.token.AccessTokenVerifier;
import org.latchkey.token.AccessTokens;
import org.latchkey.token.Base64Url;
import org.latchkey.token.ClockReading;
import org.latchkey.token.RejectionReason;
import org.latchkey.token.Role;
import org.latchkey.token.SigningKey;
import org.latchkey.token.TokenRejectedException;
import org.latchkey.token.Use;
import org.latchkey.token.WeeklyHours;

import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.Callable;

@Command(
        name = "issue",
        mixinStandardHelpOptions = true,
        description = "Sign an access token for a door and print it on stdout.")
final class TokenIssueCommand implements Callable<Integer> {
    private final CliContext context;

    @Spec CommandSpec spec;

    @Option(
            names = "--key",
            required = true,
            paramLabel = "NAME.key",
            description = "The issuer's private key file.")
    Path keyFile;

    @Option(
            names = "--passphrase-file",
            paramLabel = "FILE",
            description = "Passphrase of an encrypted key (else asked).")
    Path passphraseFile;

    /** The door: --config FILE, --door CARD or --lock DOOR_ID. */
    @picocli.CommandLine.Mixin DoorTarget door;

    @Option(
            names = "--role",
            required = true,
            paramLabel = "ROLE",
            description = "owner, delivery, service or guest.")
    String role;

    @Option(
            names = "--sub",
            required = true,
            paramLabel = "TEXT",
            description = "Who or what for: courier id, order number (≤ 64).")
    String subject;

    @ArgGroup(exclusive = true, multiplicity = "1")
    UseChoice use;

    static final class UseChoice {
        @Option(
                names = "--once",
                required = true,
                description = "The first granted use consumes the token.")
        boolean once;

        @Option(
                names = "--window",
                required = true,
                description = "Any number of entries inside the window.")
        boolean window;
    }

    @Option(
            names = "--not-before",
            paramLabel = "T",
            defaultValue = "now",
            description =
                    "When the window opens: a local time, 2026-12-08 09:00, or a day (from its"
                            + " start), in the door's time zone when --config or --door names it,"
                            + " else this machine's; RFC 3339 with an offset; or now (default:"
                            + " ${DEFAULT-VALUE}).")
    String notBefore;

    @ArgGroup(exclusive = true, multiplicity = "1")
    End end;

    static final class End {
        @Option(
                names = "--expires",
                required = true,
                paramLabel = "T",
                description =
                        "When the window closes: a local time (2026-12-08 12:00) or RFC 3339 with"
                                + " an offset.")
        String expires;

        @Option(
                names = "--for",
                required = true,
                paramLabel = "DURATION",
                description = "Window length from --not-before, e.g. 2h.")
        String duration;
    }

    @Option(
            names = "--hours",
            paramLabel = "HOURS",
            description =
                    "The weekly hours the pass may be used in, in the door's time zone, e.g. 'Tue"
                            + " 10:00-13:00' or 'Mon-Fri 08:00-18:00; Sat 09:00-13:00' (the key's"
                            + " own hours, if it has any, must allow the time too).")
    String hours;

    @Option(
            names = "--jti",
            paramLabel = "ID",
            description = "Token id, 16–64 of A–Z a–z 0–9 _ - (default: random).")
    String jti;

    @Option(
            names = "--issuer",
            paramLabel = "NAME",
            description = "iss claim, for the audit trail (default: the key file's name).")
    String issuer;

    @Option(names = "--json", description = "Print the token, its kid and claims as JSON.")
    boolean json;

    @Option(names = "--qr", description = "Also print the token as a QR code in the terminal.")
    boolean qr;

    @Option(
            names = "--png",
            paramLabel = "FILE",
            description = "Also write the token as a QR code image (PNG).")
    Path png;

    TokenIssueCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() throws Exception {
        DoorTarget.Door target = door.resolve();
        AccessClaims claims = claims(target);
        SigningKey key = SigningKeys.load(keyFile, passphraseFile, context);
        String token;
        try {
            token = AccessTokens.issue(key, claims);
        } finally {
            key.destroy();
        }
        if (target.config().isPresent()) {
            checkAsTheDoorWould(token, key.publicKey().pid(), target.config().get(), claims);
        }
        if (png != null) {
            if (java.nio.file.Files.exists(png)) {
                throw CliException.failed(png + " already exists: refusing to overwrite it");
            }
            QrCodes.png(QrCodes.encode(token), png);
            spec.commandLine().getErr().println("wrote the QR code to " + png);
        }
        if (qr && !json) {
            spec.commandLine().getOut().print(QrCodes.terminal(QrCodes.encode(token)));
        }
        if (json) {
            ObjectNode o = JsonOutput.object();
            o.put("token", token);
            o.put("kid", key.publicKey().pid());
            o.set("claims", ClaimsJson.of(claims));
            JsonOutput.print(spec, o);
        } else {
            spec.commandLine().getOut().println(token);
            PrintWriter err = spec.commandLine().getErr();
            err.println(
                    "latchkey: to revoke this pass: --jti "
                            + key.publicKey().pid()
                            + "/"
                            + claims.tokenId());
            if (!claims.expires().isAfter(context.clock().instant())) {
                err.println("latchkey: note: this pass has already expired");
            }
        }
        return ExitCode.OK;
    }

    private AccessClaims claims(DoorTarget.Door target) throws CliException {
        String lock = target.doorId();
        LocalTimes.Zone zone =
                target.config()
                        .map(c -> LocalTimes.Zone.door(c.zone()))
                        .or(() -> target.card().map(c -> LocalTimes.Zone.door(c.zone())))
                        .orElseGet(LocalTimes.Zone::machine);
        PrintWriter err = spec.commandLine().getErr();
        Role r =
                Role.fromWireName(role)
                        .orElseThrow(
                                () ->
                                        CliException.usage(
                                                "--role: '"
                                                        + role
                                                        + "' is not one of owner, delivery,"
                                                        + " service, guest"));
        Instant now = context.clock().instant();
        Instant nbf = LocalTimes.parse(notBefore, "--not-before", context.clock(), zone, true, err);
        Instant exp;
        if (end.expires != null) {
            exp = LocalTimes.parse(end.expires, "--expires", context.clock(), zone, false, err);
        } else {
            try {
                Duration d = Durations.parse(end.duration);
                exp = nbf.plus(d);
            } catch (IllegalArgumentException e) {
                throw CliException.usage("--for: " + e.getMessage());
            }
        }
        String id = jti != null ? jti : randomJti();
        String iss = issuer != null ? issuer : defaultIssuer();
        try {
            return new AccessClaims(
                    iss,
                    lock,
                    id,
                    now.isAfter(nbf) ? nbf : now,
                    nbf,
                    exp,
                    use.once ? Use.ONCE : Use.WINDOW,
                    r,
                    subject,
                    weeklyHours());
        } catch (IllegalArgumentException e) {
            throw CliException.usage(
                    e.getMessage()
                            .replace("jti ", "--jti ")
                            .replace("sub ", "--sub ")
                            .replace("iss ", "--issuer ")
                            .replace(
                                    "exp must be later than nbf",
                                    "--expires must be later than --not-before"));
        }
    }

    /** What the door refuses whatever the time: the key, its roles, its window, its use. */
    private static final java.util.Set<RejectionReason> POLICY =
            java.util.EnumSet.of(
                    RejectionReason.MALFORMED,
                    RejectionReason.REVOKED,
                    RejectionReason.UNKNOWN_KEY,
                    RejectionReason.WRONG_LOCK,
                    RejectionReason.ROLE_NOT_ALLOWED,
                    RejectionReason.USE_NOT_ALLOWED,
                    RejectionReason.WINDOW_TOO_LONG);

    /**
     * With the door's config at hand, the token is checked against the door's policy before it is
     * printed: a token its door would refuse whenever it is shown is refused here, with the door's
     * reason, and never leaves this command.
     */
    private static void checkAsTheDoorWould(
            String token, String kid, DeviceConfig device, AccessClaims c)
            throws TokenRejectedException {
        AccessTokenVerifier door = TokenVerifyCommand.verifierFor(device);
        try {
            door.verify(
                    token,
                    new ClockReading.Trusted(c.notBefore()),
                    TokenVerifyCommand.installedRevocations(device));
        } catch (TokenRejectedException e) {
            if (POLICY.contains(e.reason())) {
                throw new TokenRejectedException(
                        e.reason(),
                        "the door ("
                                + device.source()
                                + ") would refuse this token, so it was not printed: "
                                + e.detail());
            }
        }
        Optional<WeeklyHours> keyHours =
                device.trustStore().find(kid).flatMap(i -> i.policy().hours());
        if (!hoursMeet(c, keyHours, device.zone())) {
            throw new TokenRejectedException(
                    RejectionReason.OUTSIDE_HOURS,
                    "the door ("
                            + device.source()
                            + ") would refuse this token at every hour, so it was not printed:"
                            + " the pass's hours ("
                            + c.hours().orElseThrow()
                            + ") and its key's ("
                            + keyHours.orElseThrow()
                            + ") never meet between its nbf and exp ("
                            + device.zone()
                            + ")");
        }
    }

    /**
     * Whether some minute of the window lies within both the pass's hours and its key's (a pass
     * whose schedule never meets its key's opens nothing). Minute by minute: a window is at most a
     * key's max_window, 366 days.
     */
    static boolean hoursMeet(
            AccessClaims c, Optional<WeeklyHours> keyHours, java.time.ZoneId zone) {
        if (c.hours().isEmpty() || keyHours.isEmpty()) {
            return true;
        }
        for (Instant t = c.notBefore(); t.isBefore(c.expires()); t = t.plusSeconds(60)) {
            java.time.LocalDateTime local = java.time.LocalDateTime.ofInstant(t, zone);
            if (c.hours().get().contains(local) && keyHours.get().contains(local)) {
                return true;
            }
        }
        return false;
    }

    private Optional<WeeklyHours> weeklyHours() throws CliException {
        if (hours == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(WeeklyHours.parse(hours));
        } catch (IllegalArgumentException e) {
            throw CliException.usage("--hours: " + e.getMessage());
        }
    }

    private String randomJti() {
        byte[] b = new byte[16];
        context.random().nextBytes(b);
        return Base64Url.encode(b);
    }

    private String defaultIssuer() {
        String file = keyFile.getFileName().toString();
        String base = file.endsWith(".key") ? file.substring(0, file.length() - 4) : file;
        return base.length() > 64 ? base.substring(0, 64) : base;
    }

    /** Claims as JSON: the same shape the token carries. */
    static final class ClaimsJson {
        private ClaimsJson() {}

        static ObjectNode of(AccessClaims claims) {
            try {
                return (ObjectNode)
                        org.latchkey.token.Json.read(
                                new String(
                                        claims.toJson(), java.nio.charset.StandardCharsets.UTF_8));
            } catch (java.io.IOException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
