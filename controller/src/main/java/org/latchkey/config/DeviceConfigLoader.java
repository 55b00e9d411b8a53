package org.latchkey.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.toml.TomlFactory;

import org.latchkey.door.DoorSettings;
import org.latchkey.door.Mode;
import org.latchkey.hal.HalConfig;
import org.latchkey.token.ClockRules;
import org.latchkey.token.IssuerPolicy;
import org.latchkey.token.JsonTree;
import org.latchkey.token.PublicKey;
import org.latchkey.token.Role;
import org.latchkey.token.TrustStore;
import org.latchkey.token.TrustedIssuer;
import org.latchkey.token.WeeklyHours;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads {@code latchkey.toml}. Every problem is refused with the file, the line or key, and what is
 * wrong.
 */
public final class DeviceConfigLoader {
    public static final int MAX_FILE_BYTES = 256 * 1024;
    public static final String DEFAULT_STATE_DIR = "/var/lib/latchkey";
    public static final Pattern LOCK_ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    /** No key may grant windows longer than this, whatever the file says. */
    public static final Duration LONGEST_WINDOW = Duration.ofDays(366);

    /** The audit log's default bound: years of an ordinary door's records. */
    public static final long DEFAULT_AUDIT_MAX_BYTES = 64L << 20;

    private static final TomlFactory TOML = new TomlFactory();

    private DeviceConfigLoader() {}

    public static DeviceConfig load(Path file) throws ConfigException {
        byte[] bytes;
        try {
            if (Files.size(file) > MAX_FILE_BYTES) {
                throw new ConfigException(
                        file, "file", "larger than " + MAX_FILE_BYTES / 1024 + " KiB");
            }
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new ConfigException(file, "file", "does not exist");
        } catch (IOException e) {
            throw new ConfigException(file, "file", "cannot be read: " + e.getMessage());
        }
        String text;
        try {
            text =
                    StandardCharsets.UTF_8
                            .newDecoder()
                            .onMalformedInput(CodingErrorAction.REPORT)
                            .decode(ByteBuffer.wrap(bytes))
                            .toString();
        } catch (CharacterCodingException e) {
            throw new ConfigException(file, "file", "is not UTF-8 text");
        }
        return parse(file, text);
    }

    public static DeviceConfig parse(Path file, String text) throws ConfigException {
        Section root = new Section(file, "", readToml(file, text));
        root.requireOnly(
                Set.of(
                        "lock_id",
                        "fleet_id",
                        "timezone",
                        "state_dir",
                        "clock",
                        "issuers",
                        "hal",
                        "door",
                        "api",
                        "scanner",
                        "audit",
                        "mqtt",
                        "web"));

        String lockId = root.string("lock_id");
        if (!LOCK_ID.matcher(lockId).matches()) {
            throw root.error("lock_id", "must be 1–64 characters of A–Z a–z 0–9 . _ -");
        }
        Optional<String> fleetId = root.optionalString("fleet_id");
        if (fleetId.isPresent()
                && (!LOCK_ID.matcher(fleetId.get()).matches()
                        || fleetId.get().equals(lockId)
                        || fleetId.get().startsWith("k4."))) {
            // k4.…: door ids live there; a fleet named like a door would take its lock lists
            throw root.error(
                    "fleet_id",
                    "must be 1–64 characters of A–Z a–z 0–9 . _ -, differ from lock_id and not"
                            + " begin with k4. (door ids)");
        }
        ZoneId zone = zone(root);

        Optional<Section> clockSection = root.table("clock");
        ClockRules clock = ClockRules.DEFAULT;
        boolean rtc = false;
        if (clockSection.isPresent()) {
            Section c = clockSection.get();
            c.requireOnly(
                    Set.of("skew", "battery_backed_rtc", "trusted_clock_roles", "max_offline"));
            Duration skew = duration(c, "skew", ClockRules.DEFAULT_SKEW);
            if (skew.compareTo(ClockRules.MAX_SKEW) > 0) {
                throw c.error("skew", "may not exceed 300s");
            }
            Set<Role> roles =
                    c.has("trusted_clock_roles")
                            ? roles(c, "trusted_clock_roles")
                            : clock.rolesNeedingTrustedClock();
            Duration maxOffline = duration(c, "max_offline", ClockRules.DEFAULT_MAX_OFFLINE);
            if (maxOffline.compareTo(Duration.ofDays(3660)) > 0) {
                throw c.error("max_offline", "may not exceed 3660d");
            }
            clock = new ClockRules(skew, roles, maxOffline);
            rtc = c.bool("battery_backed_rtc", false);
        }

        List<TrustedIssuer> issuers = new ArrayList<>();
        for (Section s : root.tables("issuers")) {
            issuers.add(issuer(s));
        }
        if (issuers.stream().noneMatch(i -> i.policy().isOwner())) {
            throw new ConfigException(
                    file,
                    "issuers",
                    "no issuer has the owner role: add the owner's key"
                            + " ([[issuers]] with roles = [\"owner\"])");
        }
        TrustStore trust;
        try {
            trust = TrustStore.of(issuers);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(file, "issuers", e.getMessage());
        }
        HalConfig hal = HalSectionReader.read(root.table("hal"), file.toAbsolutePath().getParent());
        DoorSettings door = door(root.table("door"), hal.bolt().travelTime());
        if (door.requireCamera()
                && hal.driver() == HalConfig.Driver.PI4J
                && hal.camera().readyPin().isEmpty()) {
            throw new ConfigException(
                    file,
                    "door.require_camera",
                    "needs a camera ready signal: set hal.camera.ready_pin (see docs/wiring.md)");
        }
        ApiSettings api = api(root.table("api"));
        Optional<ScannerSettings> scanner = Optional.empty();
        Optional<Section> scannerSection = root.table("scanner");
        if (scannerSection.isPresent()) {
            Section sc = scannerSection.get();
            sc.requireOnly(Set.of("device", "idle_end"));
            Path device = Path.of(sc.string("device"));
            if (!device.isAbsolute()) {
                throw sc.error("device", "must be an absolute path, like \"/dev/ttyACM0\"");
            }
            scanner =
                    Optional.of(
                            new ScannerSettings(
                                    device,
                                    HalSectionReader.duration(
                                            sc,
                                            "idle_end",
                                            ScannerSettings.DEFAULT_IDLE_END,
                                            ScannerSettings.MIN_IDLE_END,
                                            ScannerSettings.MAX_IDLE_END)));
        }
        Path stateDir = Path.of(root.optionalString("state_dir").orElse(DEFAULT_STATE_DIR));
        if (!stateDir.isAbsolute()) {
            // Relative to the config file, so a config and its state can travel together.
            stateDir = file.toAbsolutePath().getParent().resolve(stateDir).normalize();
        }
        long auditMaxBytes = audit(root.table("audit"));
        Optional<MqttSettings> mqtt =
                MqttSectionReader.read(
                        root.table("mqtt"), lockId, file.toAbsolutePath().getParent());
        return new DeviceConfig(
                file,
                lockId,
                fleetId,
                zone,
                clock,
                rtc,
                trust,
                hal,
                door,
                api,
                scanner,
                stateDir,
                auditMaxBytes,
                mqtt,
                web(root.table("web"), api));
    }

    /** {@code [audit] max_size}: how much disk the audit log may take, e.g. {@code "64MiB"}. */
    private static long audit(Optional<Section> section) throws ConfigException {
        if (section.isEmpty()) {
            return DEFAULT_AUDIT_MAX_BYTES;
        }
        Section s = section.get();
        s.requireOnly(Set.of("max_size"));
        Optional<String> text = s.optionalString("max_size");
        if (text.isEmpty()) {
            return DEFAULT_AUDIT_MAX_BYTES;
        }
        var m = java.util.regex.Pattern.compile("(\\d{1,6})(KiB|MiB|GiB)").matcher(text.get());
        if (!m.matches()) {
            throw s.error(
                    "max_size",
                    "'" + text.get() + "' is not a size like \"64MiB\" (KiB, MiB or GiB)");
        }
        long unit =
                switch (m.group(2)) {
                    case "KiB" -> 1L << 10;
                    case "MiB" -> 1L << 20;
                    default -> 1L << 30;
                };
        long bytes = Long.parseLong(m.group(1)) * unit;
        if (bytes < (1L << 20) || bytes > (64L << 30)) {
            throw s.error("max_size", "must be between 1MiB and 64GiB");
        }
        return bytes;
    }

    private static DoorSettings door(Optional<Section> section, Duration boltTravel)
            throws ConfigException {
        DoorSettings d = DoorSettings.DEFAULTS;
        if (section.isEmpty()) {
            return new DoorSettings(
                    d.mode(),
                    d.unlockWait(),
                    d.relockDelay(),
                    d.ajarAfter(),
                    d.maxUnlocked(),
                    d.cameraPostRoll(),
                    d.requireCamera(),
                    d.cameraReadyWait(),
                    d.lockRetries(),
                    DoorSettings.motionTimeoutFor(boltTravel));
        }
        Section s = section.get();
        s.requireOnly(
                Set.of(
                        "mode",
                        "unlock_wait",
                        "relock_delay",
                        "ajar_after",
                        "max_unlocked",
                        "camera_post_roll",
                        "require_camera",
                        "camera_ready_wait",
                        "lock_retries"));
        Mode mode =
                switch (s.optionalString("mode").orElse("normal")) {
                    case "normal" -> Mode.NORMAL;
                    case "privacy" -> Mode.PRIVACY;
                    default ->
                            throw s.error(
                                    "mode",
                                    "must be \"normal\" or \"privacy\" (owner tokens only)");
                };
        DoorSettings settings =
                new DoorSettings(
                        mode,
                        bounded(
                                s,
                                "unlock_wait",
                                d.unlockWait(),
                                Duration.ofSeconds(5),
                                Duration.ofMinutes(5)),
                        bounded(
                                s,
                                "relock_delay",
                                d.relockDelay(),
                                Duration.ZERO,
                                Duration.ofMinutes(1)),
                        bounded(
                                s,
                                "ajar_after",
                                d.ajarAfter(),
                                Duration.ofSeconds(10),
                                Duration.ofHours(1)),
                        bounded(
                                s,
                                "max_unlocked",
                                d.maxUnlocked(),
                                Duration.ofSeconds(30),
                                Duration.ofHours(12)),
                        bounded(
                                s,
                                "camera_post_roll",
                                d.cameraPostRoll(),
                                Duration.ZERO,
                                Duration.ofMinutes(10)),
                        s.bool("require_camera", d.requireCamera()),
                        bounded(
                                s,
                                "camera_ready_wait",
                                d.cameraReadyWait(),
                                Duration.ofMillis(100),
                                Duration.ofSeconds(60)),
                        s.integer("lock_retries", d.lockRetries(), 0, 5),
                        DoorSettings.motionTimeoutFor(boltTravel));
        if (settings.maxUnlocked().compareTo(settings.unlockWait()) < 0) {
            throw s.error("max_unlocked", "must not be shorter than unlock_wait");
        }
        return settings;
    }

    /** {@code [web]}: present, the owner's app is served over HTTPS on the home network. */
    private static Optional<WebSettings> web(Optional<Section> section, ApiSettings api)
            throws ConfigException {
        if (section.isEmpty()) {
            return Optional.empty();
        }
        Section s = section.get();
        s.requireOnly(Set.of("bind", "port", "hostname"));
        String bind = s.optionalString("bind").orElse("0.0.0.0");
        if (!bind.matches("[0-9a-fA-F:.]{2,45}|localhost")) {
            throw s.error("bind", "must be an IP address such as \"0.0.0.0\" (every address)");
        }
        int port = s.integer("port", WebSettings.DEFAULT_PORT, 0, 65535);
        if (port != 0 && port < 1024) {
            throw s.error(
                    "port",
                    "must be 1024 or more: latchkeyd runs without the capability to bind lower"
                            + " ports (the default is 8443)");
        }
        if (port != 0 && port == api.port()) {
            throw s.error("port", "is the API's port ([api] port): pick another");
        }
        Optional<String> hostname = s.optionalString("hostname");
        if (hostname.isPresent()
                && !hostname.get().matches("[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?")) {
            throw s.error(
                    "hostname",
                    "must be one DNS label (letters, digits, -), e.g. \"frontdoor\": the app is"
                            + " served as https://<hostname>.local");
        }
        return Optional.of(new WebSettings(bind, port, hostname));
    }

    private static ApiSettings api(Optional<Section> section) throws ConfigException {
        ApiSettings d = ApiSettings.DEFAULTS;
        if (section.isEmpty()) {
            return d;
        }
        Section s = section.get();
        s.requireOnly(Set.of("bind", "port", "rejections_per_second"));
        String bind = s.optionalString("bind").orElse(d.bind());
        if (!bind.matches("[0-9a-fA-F:.]{2,45}|localhost")) {
            throw s.error("bind", "must be an IP address such as \"127.0.0.1\"");
        }
        return new ApiSettings(
                bind,
                s.integer("port", d.port(), 0, 65535),
                s.integer("rejections_per_second", d.rejectionsPerSecond(), 1, 1000));
    }

    private static Duration bounded(
            Section s, String key, Duration fallback, Duration min, Duration max)
            throws ConfigException {
        Duration d = duration(s, key, fallback);
        if (d.compareTo(min) < 0 || d.compareTo(max) > 0) {
            throw s.error(
                    key,
                    "must be between " + Durations.format(min) + " and " + Durations.format(max));
        }
        return d;
    }

    private static ObjectNode readToml(Path file, String text) throws ConfigException {
        JsonNode node;
        try (JsonParser parser = TOML.createParser(text)) {
            node = JsonTree.read(parser);
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            String where = at == null || at.getLineNr() < 1 ? "TOML" : "line " + at.getLineNr();
            throw new ConfigException(file, where, "not valid TOML: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new ConfigException(file, "file", "cannot be read: " + e.getMessage());
        }
        if (!(node instanceof ObjectNode o)) {
            throw new ConfigException(file, "file", "is empty");
        }
        return o;
    }

    private static TrustedIssuer issuer(Section s) throws ConfigException {
        s.requireOnly(Set.of("name", "public_key", "roles", "max_window", "hours", "once_only"));
        String name = s.string("name");
        PublicKey key;
        try {
            key = PublicKey.fromPaserk(s.string("public_key").strip());
        } catch (IllegalArgumentException e) {
            throw s.error("public_key", e.getMessage());
        }
        Set<Role> roles = roles(s, "roles");
        if (roles.isEmpty()) {
            throw s.error(
                    "roles",
                    "needs at least one of \"owner\", \"delivery\", \"service\", \"guest\"");
        }
        if (!s.has("max_window")) {
            throw s.error(
                    "max_window",
                    "missing (required): the longest window this key may grant, e.g. \"4h\"");
        }
        Duration maxWindow = duration(s, "max_window", Duration.ZERO);
        if (maxWindow.isZero() || maxWindow.compareTo(LONGEST_WINDOW) > 0) {
            throw s.error("max_window", "must be more than 0 and at most 366d");
        }
        Optional<WeeklyHours> hours = Optional.empty();
        if (s.has("hours")) {
            try {
                hours = Optional.of(WeeklyHours.parse(s.string("hours")));
            } catch (IllegalArgumentException e) {
                throw s.error("hours", e.getMessage());
            }
        }
        boolean onceOnly = s.bool("once_only", false);
        try {
            return new TrustedIssuer(
                    name, key, new IssuerPolicy(roles, maxWindow, hours, onceOnly));
        } catch (IllegalArgumentException e) {
            throw s.error("name", e.getMessage());
        }
    }

    private static Set<Role> roles(Section s, String key) throws ConfigException {
        Set<Role> roles = EnumSet.noneOf(Role.class);
        for (String name : s.strings(key)) {
            roles.add(
                    Role.fromWireName(name)
                            .orElseThrow(
                                    () ->
                                            s.error(
                                                    key,
                                                    "unknown role '"
                                                            + name
                                                            + "' (owner, delivery, service,"
                                                            + " guest)")));
        }
        return roles;
    }

    private static Duration duration(Section s, String key, Duration fallback)
            throws ConfigException {
        Optional<String> text = s.optionalString(key);
        if (text.isEmpty()) {
            return fallback;
        }
        try {
            return Durations.parse(text.get());
        } catch (IllegalArgumentException e) {
            throw s.error(key, e.getMessage());
        }
    }

    private static ZoneId zone(Section root) throws ConfigException {
        Optional<String> text = root.optionalString("timezone");
        if (text.isEmpty()) {
            return ZoneId.systemDefault();
        }
        try {
            return ZoneId.of(text.get());
        } catch (DateTimeException e) {
            throw root.error(
                    "timezone", "'" + text.get() + "' is not a time zone like \"Europe/Berlin\"");
        }
    }
}
