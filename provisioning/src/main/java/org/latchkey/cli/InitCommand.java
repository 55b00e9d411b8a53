package org.latchkey.cli;

import org.latchkey.config.ConfigToml;
import org.latchkey.config.DeviceConfig;
import org.latchkey.config.DeviceConfigLoader;
import org.latchkey.identity.DoorKeys;
import org.latchkey.store.AtomicFiles;
import org.latchkey.store.PathSafety;
import org.latchkey.token.DoorCard;
import org.latchkey.token.SigningKey;

import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

@Command(
        name = "init",
        mixinStandardHelpOptions = true,
        header = "Set up a door: config, owner keys, trust.",
        description =
                "Set up a door: write a complete, commented latchkey.toml with safe defaults,"
                    + " generate the owner key pair (encrypted unless --no-passphrase) and trust it"
                    + " as owner. Refuses to overwrite an existing setup unless --force (then the"
                    + " old files are kept as *.replaced-<UTC time>).")
final class InitCommand implements Callable<Integer> {
    static final String CONFIG = "latchkey.toml";
    static final String OWNER = "owner";

    private final CliContext context;

    @Spec CommandSpec spec;

    @Option(
            names = "--config-dir",
            required = true,
            paramLabel = "DIR",
            description = "Where latchkey.toml and the owner keys go, e.g. /etc/latchkey.")
    Path dir;

    @Option(
            names = "--lock-id",
            required = true,
            paramLabel = "ID",
            description = "This door's id, e.g. front-door.")
    String lockId;

    @Option(
            names = "--driver",
            paramLabel = "pi4j|simulated",
            defaultValue = "pi4j",
            description = "The hardware driver (default: ${DEFAULT-VALUE}).")
    String driver;

    @Option(
            names = "--timezone",
            paramLabel = "ZONE",
            description =
                    "The door's time zone, e.g. Europe/Berlin (default: this machine's). Written"
                            + " into the config: weekly hours and the CLI's local times use it.")
    String timezone;

    @Option(
            names = "--state-dir",
            paramLabel = "DIR",
            description =
                    "The state directory (default: /var/lib/latchkey for pi4j, DIR/state for"
                            + " simulated unless DIR is /etc/latchkey, where the installed service"
                            + " may write only /var/lib/latchkey).")
    Path stateDir;

    @ArgGroup(exclusive = true)
    KeysGenerateCommand.PassphraseChoice passphrase = new KeysGenerateCommand.PassphraseChoice();

    @Option(
            names = "--mqtt",
            paramLabel = "URL",
            description =
                    "Join an MQTT broker (Home Assistant, a fleet): mqtts://host:8883, or"
                            + " mqtt://127.0.0.1 for a broker on this machine. Fills [mqtt].")
    String mqttUrl;

    @Option(
            names = "--mqtt-username",
            paramLabel = "NAME",
            description = "The door's user on the broker.")
    String mqttUser;

    @Option(
            names = "--mqtt-password-file",
            paramLabel = "FILE",
            description = "A file (mode 600 or 640) holding that user's password.")
    Path mqttPasswordFile;

    @Option(
            names = "--mqtt-ca-file",
            paramLabel = "FILE",
            description = "The broker's CA certificate (PEM); default: the system's trust store.")
    Path mqttCaFile;

    @Option(
            names = "--mqtt-accept-tokens",
            description =
                    "Let access tokens be presented over MQTT too (off by default; a LOCK is"
                            + " always accepted).")
    boolean mqttAcceptTokens;

    @Option(
            names = "--force",
            description = "Replace an existing setup (the old files are renamed, not deleted).")
    boolean force;

    InitCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() throws Exception {
        if (!DeviceConfigLoader.LOCK_ID.matcher(lockId).matches()) {
            throw CliException.usage("--lock-id: 1–64 characters of A–Z a–z 0–9 . _ -");
        }
        if (!driver.equals("pi4j") && !driver.equals("simulated")) {
            throw CliException.usage("--driver: pi4j or simulated");
        }
        if (mqttUrl == null
                && (mqttUser != null
                        || mqttPasswordFile != null
                        || mqttCaFile != null
                        || mqttAcceptTokens)) {
            throw CliException.usage("--mqtt-* options need --mqtt URL");
        }
        Path config = dir.resolve(CONFIG);
        List<Path> existing =
                List.of(config, dir.resolve(OWNER + ".key"), dir.resolve(OWNER + ".pub")).stream()
                        .filter(Files::exists)
                        .toList();
        if (!existing.isEmpty() && !force) {
            throw CliException.failed(
                    "a setup already exists in "
                            + dir
                            + " ("
                            + existing.stream().map(p -> p.getFileName().toString()).toList()
                            + "): refusing to overwrite it; use --force to replace it"
                            + (Files.exists(dir.resolve(DoorKeys.PUBLIC_FILE))
                                    ? ""
                                    : " (it has no "
                                            + DoorKeys.PUBLIC_FILE
                                            + ": an init that was stopped before it finished?)"));
        }
        String state = stateDir != null ? stateDir.toString() : defaultStateDir(dir, driver);
        mayWrite(dir, "the config folder");
        mayWrite(dir.resolve(state), "the state directory");
        char[] pass =
                passphrase.none
                        ? null
                        : passphrase.file != null
                                ? Passphrases.fromFile(passphrase.file)
                                : Passphrases.ask(context, "Passphrase for the owner key: ", true);
        SigningKey owner = SigningKey.generate(context.random());
        String text =
                template(
                        Map.of(
                                "DATE",
                                LocalDate.ofInstant(context.clock().instant(), ZoneOffset.UTC)
                                        .toString(),
                                "LOCK_ID",
                                lockId,
                                "TIMEZONE",
                                zone().getId(),
                                "STATE_DIR",
                                ConfigToml.quote(state),
                                "DRIVER",
                                driver,
                                "OWNER_KEY_FILE",
                                OWNER + ".key",
                                "OWNER_PUBLIC_KEY",
                                owner.publicKey().paserk(),
                                "MQTT",
                                mqttSection()));
        try {
            // What init writes must be a valid config: checked before anything is written.
            DeviceConfigLoader.parse(config, text);
        } catch (org.latchkey.config.ConfigException e) {
            owner.destroy();
            if (pass != null) {
                Arrays.fill(pass, '\0');
            }
            throw CliException.failed(e.getMessage());
        }
        // When the old files were set aside, readable in a listing (UTC):
        // owner.key.replaced-20261208-091500
        String stamp =
                java.time.format.DateTimeFormatter.ofPattern("uuuuMMdd-HHmmss")
                        .withZone(ZoneOffset.UTC)
                        .format(context.clock().instant());
        char[] keyPass = pass;
        DoorIdentitySetup.Result door;
        HalfMadeSetup made = new HalfMadeSetup(config);
        boolean finished = false;
        try {
            // The folder holds the owner's private key: its mode is chosen here, never the umask's.
            AtomicFiles.createDirectories(dir, PosixFilePermissions.fromString("rwxr-x---"));
            Optional<String> unsafe = PathSafety.problem(dir);
            if (unsafe.isPresent()) {
                throw CliException.failed("not set up: " + unsafe.get());
            }
            ConfigFile.create(
                    config,
                    text,
                    () -> {
                        List<Path> now =
                                List.of(
                                                config,
                                                dir.resolve(OWNER + ".key"),
                                                dir.resolve(OWNER + ".pub"))
                                        .stream()
                                        .filter(Files::exists)
                                        .toList();
                        if (!now.equals(existing)) {
                            throw CliException.failed(
                                    "the files in " + dir + " changed meanwhile: run init again");
                        }
                        for (Path p : existing) {
                            made.setAside(p, stamp);
                        }
                        try {
                            KeyFiles.write(
                                    dir.resolve(OWNER + ".key"),
                                    dir.resolve(OWNER + ".pub"),
                                    owner,
                                    keyPass,
                                    context.random());
                        } finally {
                            made.keyFile(dir.resolve(OWNER + ".key"));
                            made.keyFile(dir.resolve(OWNER + ".pub"));
                        }
                    });
            // The door's own identity: a door key (kept by --force), door.pub, the endorsement.
            DeviceConfig device = DeviceConfigs.parse(config, text);
            giveStateToTheDaemon(device.stateDir());
            door =
                    DoorIdentitySetup.ensure(
                            device,
                            Optional.of(owner),
                            force,
                            context.clock().instant(),
                            context.random());
            finished = true;
        } finally {
            if (!finished && made.changedAnything()) {
                PrintWriter err = spec.commandLine().getErr();
                made.takeBack(text)
                        .ifPresentOrElse(
                                why ->
                                        err.println(
                                                "latchkey: init did not finish, and what it wrote"
                                                        + " in "
                                                        + dir
                                                        + " could not be taken back: "
                                                        + why),
                                () ->
                                        err.println(
                                                "latchkey: init did not finish: what it wrote in "
                                                        + dir
                                                        + " was taken back"
                                                        + (existing.isEmpty()
                                                                ? ""
                                                                : ", and the setup before it put"
                                                                        + " back")));
            }
            owner.destroy();
            if (pass != null) {
                Arrays.fill(pass, '\0');
            }
        }
        boolean daemonCanRead = giveToDaemonGroup(config);

        PrintWriter out = spec.commandLine().getOut();
        out.println("latchkey is set up for lock \"" + lockId + "\" in " + dir + ":");
        out.println(
                "  "
                        + config
                        + "      the configuration ("
                        + driver
                        + " driver, state in "
                        + dir.resolve(state)
                        + ")");
        out.println(
                "  "
                        + dir.resolve(OWNER + ".key")
                        + (pass == null
                                ? "         the owner's private key (NOT encrypted: keep it safe)"
                                : "         the owner's private key (encrypted)"));
        out.println(
                "  "
                        + dir.resolve(OWNER + ".pub")
                        + "         its public key, trusted as owner ("
                        + owner.publicKey().pid()
                        + ")");
        out.println(
                "  "
                        + dir.resolve(DoorKeys.PUBLIC_FILE)
                        + "          the door's own key"
                        + (door.made() ? "" : " (kept)")
                        + ": door id "
                        + door.door().pid()
                        + ", fingerprint "
                        + DoorCard.fingerprint(door.door()));
        if (!daemonCanRead && driver.equals("pi4j")) {
            out.println(
                    "  (no \"latchkey\" group here: make "
                            + config
                            + " readable by the daemon's user)");
        }
        out.println();
        out.println("Next steps:");
        if (driver.equals("pi4j")) {
            out.println(
                    "  1. Wire the door (docs/wiring.md), then check it:  latchkey hw-test --config"
                            + " "
                            + config);
            out.println(
                    "  2. Start the daemon:                                sudo systemctl enable"
                            + " --now latchkeyd");
        } else {
            out.println(
                    "  1. Start the simulated door:   latchkeyd --config "
                            + config
                            + " --simulate");
        }
        out.println(
                "  "
                        + (driver.equals("pi4j") ? "3" : "2")
                        + ". Trust a delivery company:    latchkey issuer add --config "
                        + config
                        + " --name parcel-co --key parcel-co.pub --roles delivery --max-window 4h"
                        + " --once-only");
        out.println(
                "  "
                        + (driver.equals("pi4j") ? "4" : "3")
                        + ". Issue a first token:         latchkey token issue --key "
                        + dir.resolve(OWNER + ".key")
                        + " --config "
                        + config
                        + " --role guest --sub visitor --window --for 2h --qr");
        return ExitCode.OK;
    }

    /** The [mqtt] section: filled from --mqtt…, else a commented example. */
    private String mqttSection() {
        if (mqttUrl == null) {
            return """
            # ---- MQTT (Home Assistant, fleets) ---------------------------------------------------------
            # [mqtt]                          # absent: no bridge; see README, Home Assistant
            # url = "mqtts://broker.lan:8883" # mqtt:// only to this machine unless allow_plaintext = true
            # username = "front-door"
            # password_file = "mqtt-password" # mode 600 or 640, relative to this file
            # ca_file = "broker-ca.crt"       # default: the system's trust store; the name is always checked
            # accept_tokens = false           # tokens over MQTT; LOCK is always accepted (remote_lock)
            """;
        }
        StringBuilder sb = new StringBuilder();
        sb.append(
                "# ---- MQTT (Home Assistant, fleets): check it with `latchkey mqtt check` ----\n");
        sb.append("[mqtt]\n");
        sb.append("url = ").append(ConfigToml.quote(mqttUrl)).append('\n');
        if (mqttUser != null) {
            sb.append("username = ").append(ConfigToml.quote(mqttUser)).append('\n');
        }
        if (mqttPasswordFile != null) {
            sb.append("password_file = ")
                    .append(ConfigToml.quote(mqttPasswordFile.toAbsolutePath().toString()))
                    .append('\n');
        }
        if (mqttCaFile != null) {
            sb.append("ca_file = ")
                    .append(ConfigToml.quote(mqttCaFile.toAbsolutePath().toString()))
                    .append('\n');
        }
        sb.append("# topic_prefix = \"latchkey/").append(lockId).append("\"\n");
        sb.append(
                "# discovery_prefix = \"homeassistant\"   # \"\" = no Home Assistant discovery\n");
        sb.append("accept_tokens = ").append(mqttAcceptTokens).append('\n');
        return sb.toString();
    }

    /**
     * The packaged daemon runs as user "latchkey" and keeps its state (the door key among it) in a
     * folder of its own: made here for it when root sets up a door before its first start.
     */
    /**
     * The zone the config names: --timezone, or this machine's, written out so every tool agrees.
     */
    private java.time.ZoneId zone() throws CliException {
        if (timezone == null) {
            return java.time.ZoneId.systemDefault();
        }
        try {
            return java.time.ZoneId.of(timezone);
        } catch (java.time.DateTimeException e) {
            throw CliException.usage(
                    "--timezone: '"
                            + Terminal.escape(timezone)
                            + "' is not a time zone (e.g. Europe/Berlin, America/New_York, UTC)");
        }
    }

    /**
     * Checked before anything is written or asked: a setup this user cannot finish (a folder of
     * root's, say) is refused up front, in words.
     */
    private static void mayWrite(Path folder, String what) throws CliException {
        Path existing = folder.toAbsolutePath().normalize();
        while (existing.getParent() != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (!Files.isDirectory(existing)) {
            throw CliException.failed(
                    what + " " + folder + ": " + existing + " is not a folder: give another");
        }
        if (!Files.isWritable(existing)) {
            boolean root = "root".equals(System.getProperty("user.name"));
            throw CliException.failed(
                    what
                            + " "
                            + folder
                            + ": "
                            + existing
                            + " is not writable by "
                            + System.getProperty("user.name")
                            + (root
                                    ? " (a read-only file system?)"
                                    : ": run init as root (sudo), or give folders you own"
                                            + " (--config-dir, --state-dir; --driver simulated"
                                            + " keeps the state beside the config)"));
        }
    }

    private static void giveStateToTheDaemon(Path state) {
        if (Files.exists(state)) {
            return;
        }
        try {
            var daemon =
                    state.getFileSystem()
                            .getUserPrincipalLookupService()
                            .lookupPrincipalByName("latchkey");
            AtomicFiles.createDirectories(state, PosixFilePermissions.fromString("rwx------"));
            Files.setOwner(state, daemon);
        } catch (IOException | UnsupportedOperationException e) {
            // No such user (a laptop): the state directory is the caller's, as the daemon will be.
        }
    }

    /**
     * The packaged daemon runs as user and group "latchkey": let it read the config (mode 0640).
     */
    private static boolean giveToDaemonGroup(Path config) {
        try {
            var view =
                    Files.getFileAttributeView(
                            config, java.nio.file.attribute.PosixFileAttributeView.class);
            view.setGroup(
                    config.getFileSystem()
                            .getUserPrincipalLookupService()
                            .lookupPrincipalByGroupName("latchkey"));
            return true;
        } catch (IOException | UnsupportedOperationException | NullPointerException e) {
            return false;
        }
    }

    private static String template(Map<String, String> values) throws IOException {
        String text;
        try (InputStream in = InitCommand.class.getResourceAsStream("latchkey.toml.template")) {
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        for (Map.Entry<String, String> e : values.entrySet()) {
            text = text.replace("${" + e.getKey() + "}", e.getValue());
        }
        return text;
    }

    /**
     * The package's config folder: latchkeyd.service runs with it and writes only its state dir.
     */
    static final Path SYSTEM_CONFIG_DIR = Path.of("/etc/latchkey");

    /**
     * A simulated door on a laptop keeps its state beside its config; one set up in the package's
     * folder is started by the hardened unit, which may write only /var/lib/latchkey (a relative
     * "state" there kept latchkeyd from starting: found in the VM's stage two).
     */
    static String defaultStateDir(Path configDir, String driver) {
        boolean system = configDir.toAbsolutePath().normalize().equals(SYSTEM_CONFIG_DIR);
        return driver.equals("simulated") && !system
                ? "state"
                : DeviceConfigLoader.DEFAULT_STATE_DIR;
    }
}
