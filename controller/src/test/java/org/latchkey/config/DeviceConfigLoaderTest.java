package org.latchkey.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.latchkey.hal.HalConfig;
import org.latchkey.hal.Level;
import org.latchkey.testing.TestDoor;
import org.latchkey.token.Paserk;
import org.latchkey.token.Role;
import org.latchkey.token.SigningKey;
import org.latchkey.token.TrustedIssuer;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.EnumSet;

class DeviceConfigLoaderTest {
    private static final String OWNER_KEY =
            SigningKey.fromSeed(
                            new byte[] {
                                1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19,
                                20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32
                            })
                    .publicKey()
                    .paserk();
    private static final String COURIER_KEY =
            SigningKey.fromSeed(new byte[32]).publicKey().paserk();

    private static final String GOOD =
            TestDoor.config()
                    .keys(OWNER_KEY, COURIER_KEY)
                    .set("timezone = \"Europe/Berlin\"")
                    .table("[clock]\nskew = \"90s\"\nbattery_backed_rtc = true")
                    .courier("hours = \"Mon-Sat 08:00-20:00\"")
                    .courier("once_only = true")
                    .toml();

    @TempDir Path dir;

    private Path write(String text) throws Exception {
        Path file = dir.resolve("latchkey.toml");
        Files.writeString(file, text);
        return file;
    }

    private String error(String text) throws Exception {
        Path file = write(text);
        String message =
                assertThrows(ConfigException.class, () -> DeviceConfigLoader.load(file))
                        .getMessage();
        assertTrue(message.startsWith(file + ": "), message);
        return message.substring(file.toString().length() + 2);
    }

    @Test
    void load_goodFile_readsEverything() throws Exception {
        DeviceConfig c = DeviceConfigLoader.load(write(GOOD));
        assertEquals("front-door", c.lockId());
        assertEquals(ZoneId.of("Europe/Berlin"), c.zone());
        assertEquals(Duration.ofSeconds(90), c.clock().skew());
        assertEquals(
                EnumSet.of(Role.DELIVERY, Role.SERVICE, Role.GUEST),
                c.clock().rolesNeedingTrustedClock());
        assertTrue(c.batteryBackedRtc());
        assertEquals(2, c.trustStore().issuers().size());
        TrustedIssuer courier = c.trustStore().find(Paserk.pid(COURIER_KEY)).orElseThrow();
        assertEquals("parcel-co", courier.name());
        assertEquals(Duration.ofHours(4), courier.policy().maxWindow());
        assertTrue(courier.policy().onceOnly());
        assertEquals("Mon-Sat 08:00-20:00", courier.policy().hours().orElseThrow().toString());
        assertFalse(courier.policy().isOwner());
    }

    @Test
    void load_minimalFile_usesDefaults() throws Exception {
        DeviceConfig c =
                DeviceConfigLoader.load(
                        write(
                                """
                                lock_id = "d1"
                                [[issuers]]
                                name = "owner"
                                public_key = "%s"
                                roles = ["owner"]
                                max_window = "1d"
                                """
                                        .formatted(OWNER_KEY)));
        assertEquals(Duration.ofSeconds(60), c.clock().skew());
        assertEquals(ZoneId.systemDefault(), c.zone());
        assertFalse(c.batteryBackedRtc());
    }

    @Test
    void load_auditMaxSize_andFleetId() throws Exception {
        DeviceConfig c =
                DeviceConfigLoader.load(
                        write(
                                GOOD.replace(
                                        "timezone = \"Europe/Berlin\"",
                                        "timezone = \"Europe/Berlin\"\n"
                                                + "fleet_id = \"fleet-7\"\n"
                                                + "[audit]\n"
                                                + "max_size = \"16MiB\"")));
        assertEquals(16L << 20, c.auditMaxBytes());
        assertEquals(java.util.Optional.of("fleet-7"), c.fleetId());
        assertEquals(
                DeviceConfigLoader.DEFAULT_AUDIT_MAX_BYTES,
                DeviceConfigLoader.load(write(GOOD)).auditMaxBytes());
        assertTrue(
                error(
                                GOOD.replace(
                                        "timezone = \"Europe/Berlin\"",
                                        "timezone = \"Europe/Berlin\"\n"
                                                + "[audit]\n"
                                                + "max_size = \"64MB\""))
                        .startsWith("audit.max_size: '64MB' is not a size"));
        assertTrue(
                error(
                                GOOD.replace(
                                        "timezone = \"Europe/Berlin\"",
                                        "timezone = \"Europe/Berlin\"\n"
                                                + "[audit]\n"
                                                + "max_size = \"512KiB\""))
                        .startsWith("audit.max_size: must be between 1MiB and 64GiB"));
        assertTrue(
                error(
                                GOOD.replace(
                                        "timezone = \"Europe/Berlin\"",
                                        "timezone = \"Europe/Berlin\"\nfleet_id = \"front-door\""))
                        .startsWith("fleet_id: "));
        // A door id is never a fleet id: a lock list for that door would pass for a fleet list.
        assertTrue(
                error(
                                GOOD.replace(
                                        "timezone = \"Europe/Berlin\"",
                                        "timezone = \"Europe/Berlin\"\nfleet_id = \"k4.pid."
                                                + "A".repeat(44)
                                                + "\""))
                        .startsWith("fleet_id: "));
    }

    @Test
    void load_maxWindowWithARepeatedUnit_isRefused() throws Exception {
        assertTrue(
                error(GOOD.replace("max_window = \"4h\"", "max_window = \"1h1h\""))
                        .contains("max_window: '1h1h' is not a"));
    }

    @Test
    void load_tomlSyntaxError_namesTheLine() throws Exception {
        String m = error("lock_id = \"a\"\n\nclock = [oops\n");
        assertTrue(m.startsWith("line 3: not valid TOML"), m);
    }

    @Test
    void load_smallOrderPublicKey_isRefused() throws Exception {
        String m = error(GOOD.replace(COURIER_KEY, Paserk.encodePublic(new byte[32])));
        assertTrue(m.startsWith("issuers[2].public_key: not a valid Ed25519 public key"), m);
    }

    @Test
    void load_malformedPublicKey_isRefused() throws Exception {
        assertTrue(
                error(GOOD.replace(COURIER_KEY, "k4.public.xyz"))
                        .startsWith("issuers[2].public_key: "));
        assertTrue(
                error(GOOD.replace(COURIER_KEY, COURIER_KEY.replace("k4.", "k3.")))
                        .startsWith("issuers[2].public_key: "));
    }

    @Test
    void load_badValues_areRefusedWithTheKey() throws Exception {
        assertTrue(
                error(GOOD.replace("\"90s\"", "\"400s\""))
                        .startsWith("clock.skew: may not exceed 300s"));
        assertTrue(
                error(GOOD.replace("\"90s\"", "\"soon\""))
                        .startsWith("clock.skew: 'soon' is not a duration"));
        assertTrue(error(GOOD.replace("\"4h\"", "\"400d\"")).startsWith("issuers[2].max_window: "));
        assertTrue(
                error(GOOD.replace("[\"delivery\"]", "[\"superuser\"]"))
                        .startsWith("issuers[2].roles: unknown role 'superuser'"));
        assertTrue(
                error(GOOD.replace("Mon-Sat 08:00", "Mon-Sat 20:00"))
                        .startsWith("issuers[2].hours: "));
        assertTrue(
                error(GOOD.replace("\"front-door\"", "\"front door!\"")).startsWith("lock_id: "));
        assertTrue(error(GOOD.replace("Europe/Berlin", "Mars/Olympus")).startsWith("timezone: "));
        assertTrue(
                error(GOOD.replace("once_only = true", "once_only = \"yes\""))
                        .startsWith("issuers[2].once_only: must be true or false"));
        assertTrue(
                error(GOOD.replace("max_window = \"4h\"\n", ""))
                        .startsWith("issuers[2].max_window: missing"));
    }

    @Test
    void load_unknownKey_isRefused() throws Exception {
        String m = error(GOOD.replace("once_only = true", "once_onyl = true"));
        assertTrue(m.startsWith("issuers[2].once_onyl: unknown key"), m);
    }

    @Test
    void load_noOwnerKey_isRefused() throws Exception {
        assertTrue(
                error(GOOD.replace("roles = [\"owner\"]", "roles = [\"guest\"]"))
                        .startsWith("issuers: no issuer has the owner role"));
    }

    @Test
    void load_sameKeyTwice_isRefused() throws Exception {
        assertTrue(
                error(GOOD.replace(COURIER_KEY, OWNER_KEY))
                        .startsWith(
                                "issuers: issuers 'owner' and 'parcel-co' have the same public"
                                        + " key"));
    }

    @Test
    void load_duplicateTomlKey_isRefused() throws Exception {
        assertTrue(
                error(
                                GOOD.replace(
                                        "lock_id = \"front-door\"",
                                        "lock_id = \"front-door\"\nlock_id = \"x\""))
                        .startsWith("line "));
    }

    @Test
    void load_missingOrHugeOrBinaryFile_isRefused() throws Exception {
        assertEquals(
                "file: does not exist",
                assertThrows(
                                ConfigException.class,
                                () -> DeviceConfigLoader.load(dir.resolve("nope.toml")))
                        .getMessage()
                        .replace(dir.resolve("nope.toml") + ": ", ""));
        assertTrue(error("# " + "x".repeat(300 * 1024)).startsWith("file: larger than"));
        Path bin = dir.resolve("bin.toml");
        Files.write(bin, new byte[] {(byte) 0xC3, (byte) 0x28});
        assertTrue(
                assertThrows(ConfigException.class, () -> DeviceConfigLoader.load(bin))
                        .getMessage()
                        .endsWith("is not UTF-8 text"));
        assertTrue(
                error("").startsWith("file: is empty") || error("").startsWith("lock_id: missing"));
    }

    @Test
    void load_noHalSection_usesTheWiringDefaults() throws Exception {
        HalConfig hal = DeviceConfigLoader.load(write(GOOD)).hal();
        assertEquals(HalConfig.DEFAULTS, hal);
        assertEquals(HalConfig.Driver.PI4J, hal.driver());
        assertEquals(17, hal.contact().pin());
        assertEquals(Level.LOW, hal.contact().closedLevel());
    }

    @Test
    void load_halSection_readsEverything() throws Exception {
        HalConfig hal =
                DeviceConfigLoader.load(
                                write(
                                        GOOD
                                                + """

                                                [hal]
                                                driver = "simulated"
                                                gpio_chip = "gpiochip4"

                                                [hal.door]
                                                pin = 5
                                                closed_level = "high"
                                                debounce = "20ms"

                                                [hal.bolt]
                                                pwm_chip = 2
                                                pwm_channel = 2
                                                locked_pulse_us = 900
                                                unlocked_pulse_us = 2100
                                                travel_time = "1s"
                                                switch_pin = 27

                                                [hal.camera]
                                                trigger_pin = 22
                                                active_level = "low"
                                                mode = "pulse"
                                                pulse = "150ms"
                                                ready_pin = 23

                                                [hal.simulated]
                                                faults = ["bolt-jam", "camera-offline"]
                                                """))
                        .hal();
        assertEquals(HalConfig.Driver.SIMULATED, hal.driver());
        assertEquals(java.util.Optional.of("gpiochip4"), hal.gpioChip());
        assertEquals(new HalConfig.Contact(5, Level.HIGH, Duration.ofMillis(20)), hal.contact());
        assertEquals(
                new HalConfig.Bolt(
                        2,
                        2,
                        900,
                        2100,
                        Duration.ofSeconds(1),
                        java.util.OptionalInt.of(27),
                        Level.LOW),
                hal.bolt());
        assertEquals(HalConfig.CameraMode.PULSE, hal.camera().mode());
        assertEquals(Level.LOW, hal.camera().activeLevel());
        assertEquals(java.util.OptionalInt.of(23), hal.camera().readyPin());
        assertEquals(
                java.util.Set.of(HalConfig.Fault.BOLT_JAM, HalConfig.Fault.CAMERA_OFFLINE),
                hal.faults());
    }

    @Test
    void load_badHalValues_areRefusedWithTheKey() throws Exception {
        assertEquals(
                "hal.camera.trigger_pin: BCM pin 17 is already used by hal.door.pin",
                firstLine(error(GOOD + "[hal.camera]\ntrigger_pin = 17\n")));
        assertEquals(
                "hal.bolt.locked_pulse_us: must be between 500 and 2500",
                firstLine(error(GOOD + "[hal.bolt]\nlocked_pulse_us = 3000\n")));
        assertEquals(
                "hal.bolt.unlocked_pulse_us: must be between 500 and 2500",
                firstLine(error(GOOD + "[hal.bolt]\nunlocked_pulse_us = 400\n")));
        assertEquals(
                "hal.driver: must be \"pi4j\" or \"simulated\"",
                firstLine(error(GOOD + "[hal]\ndriver = \"gpio\"\n")));
        assertEquals(
                "hal.door.pin: must be between 0 and 27",
                firstLine(error(GOOD + "[hal.door]\npin = 40\n")));
        assertEquals(
                "hal.door.closed_level: must be \"high\" or \"low\"",
                firstLine(error(GOOD + "[hal.door]\nclosed_level = \"0\"\n")));
        assertEquals(
                "hal.bolt.travel_time: must be between 100ms and 5s",
                firstLine(error(GOOD + "[hal.bolt]\ntravel_time = \"10s\"\n")));
        assertEquals(
                "hal.simulated.faults: unknown fault 'fire' (bolt-jam, contact-cut,"
                        + " camera-offline, feedback-fault)",
                firstLine(
                        error(
                                GOOD
                                        + "[hal]\n"
                                        + "driver = \"simulated\"\n"
                                        + "[hal.simulated]\n"
                                        + "faults = [\"fire\"]\n")));
        assertEquals(
                "hal.simulated.faults: faults can only be staged with driver = \"simulated\"",
                firstLine(error(GOOD + "[hal.simulated]\nfaults = [\"bolt-jam\"]\n")));
        assertEquals(
                "hal.camera.ready_pin: BCM pin 18 carries the servo's PWM signal",
                firstLine(error(GOOD + "[hal.camera]\nready_pin = 18\n")));
        assertTrue(
                error(GOOD + "[hal.bolt]\nswitch_pinn = 27\n")
                        .startsWith("hal.bolt.switch_pinn: unknown key"));
    }

    @Test
    void web_isOptIn_withItsDefaults_andEachMistakeNamed() throws Exception {
        assertEquals(java.util.Optional.empty(), DeviceConfigLoader.load(write(GOOD)).web());
        WebSettings web = DeviceConfigLoader.load(write(GOOD + "\n[web]\n")).web().orElseThrow();
        assertEquals(new WebSettings("0.0.0.0", 8443, java.util.Optional.empty()), web);
        assertEquals(
                new WebSettings("192.168.1.20", 9443, java.util.Optional.of("frontdoor")),
                DeviceConfigLoader.load(
                                write(
                                        GOOD
                                                + "\n[web]\nbind = \"192.168.1.20\"\nport ="
                                                + " 9443\nhostname = \"frontdoor\"\n"))
                        .web()
                        .orElseThrow());
        assertTrue(error(GOOD + "\n[web]\nport = 443\n").contains("must be 1024 or more"));
        assertTrue(
                error(GOOD + "\n[web]\nport = 8787\n").contains("is the API's port"),
                "the API's default port");
        assertTrue(error(GOOD + "\n[web]\nhostname = \"door.local\"\n").contains("one DNS label"));
        assertTrue(error(GOOD + "\n[web]\nbind = \"example.org\"\n").contains("IP address"));
        assertTrue(error(GOOD + "\n[web]\ncert = \"x\"\n").contains("cert"));
    }

    private static String firstLine(String s) {
        return s.lines().findFirst().orElse("");
    }

    @Test
    void load_doorApiScannerAndStateDir_areRead_withDefaults() throws Exception {
        DeviceConfig plain = DeviceConfigLoader.load(write(GOOD));
        assertEquals(org.latchkey.door.DoorSettings.DEFAULTS, plain.door());
        assertEquals(ApiSettings.DEFAULTS, plain.api());
        assertEquals(java.util.Optional.empty(), plain.scanner());
        assertEquals(Path.of("/var/lib/latchkey"), plain.stateDir());

        DeviceConfig c =
                DeviceConfigLoader.load(
                        write(
                                GOOD.replace(
                                                "timezone = \"Europe/Berlin\"",
                                                "timezone = \"Europe/Berlin\"\n"
                                                        + "state_dir = \"state\"")
                                        + """

                                        [door]
                                        mode = "privacy"
                                        unlock_wait = "20s"
                                        relock_delay = "5s"
                                        ajar_after = "90s"
                                        max_unlocked = "15m"
                                        camera_post_roll = "30s"
                                        require_camera = true
                                        camera_ready_wait = "3s"
                                        lock_retries = 3

                                        [api]
                                        bind = "127.0.0.1"
                                        port = 9000
                                        rejections_per_second = 5

                                        [scanner]
                                        device = "/dev/ttyACM0"

                                        [hal]
                                        driver = "simulated"
                                        """));
        assertEquals(
                new org.latchkey.door.DoorSettings(
                        org.latchkey.door.Mode.PRIVACY,
                        Duration.ofSeconds(20),
                        Duration.ofSeconds(5),
                        Duration.ofSeconds(90),
                        Duration.ofMinutes(15),
                        Duration.ofSeconds(30),
                        true,
                        Duration.ofSeconds(3),
                        3,
                        org.latchkey.door.DoorSettings.motionTimeoutFor(Duration.ofMillis(700))),
                c.door());
        assertEquals(new ApiSettings("127.0.0.1", 9000, 5), c.api());
        assertEquals(
                java.util.Optional.of(
                        new ScannerSettings(
                                Path.of("/dev/ttyACM0"), ScannerSettings.DEFAULT_IDLE_END)),
                c.scanner());
        assertEquals(dir.resolve("state"), c.stateDir(), "relative to the config file");
    }

    @Test
    void load_badDoorOrApiValues_areRefusedWithTheKey() throws Exception {
        assertEquals(
                "door.unlock_wait: must be between 5s and 5m",
                firstLine(error(GOOD + "[door]\nunlock_wait = \"1s\"\n")));
        assertEquals(
                "door.mode: must be \"normal\" or \"privacy\" (owner tokens only)",
                firstLine(error(GOOD + "[door]\nmode = \"party\"\n")));
        assertEquals(
                "door.max_unlocked: must not be shorter than unlock_wait",
                firstLine(error(GOOD + "[door]\nunlock_wait = \"2m\"\nmax_unlocked = \"1m\"\n")));
        assertEquals(
                "door.lock_retries: must be between 0 and 5",
                firstLine(error(GOOD + "[door]\nlock_retries = 9\n")));
        assertEquals(
                "api.port: must be between 0 and 65535",
                firstLine(error(GOOD + "[api]\nport = 70000\n")));
        assertEquals(
                "api.bind: must be an IP address such as \"127.0.0.1\"",
                firstLine(error(GOOD + "[api]\nbind = \"my laptop\"\n")));
        assertEquals("scanner.device: missing (required)", firstLine(error(GOOD + "[scanner]\n")));
        assertEquals(
                "door.require_camera: needs a camera ready signal: set hal.camera.ready_pin (see"
                        + " docs/wiring.md)",
                firstLine(error(GOOD + "[door]\nrequire_camera = true\n")));
    }

    @Test
    void feedback_outputs_levels_sensePins_andTheSiren() throws Exception {
        Path file = dir.resolve("feedback.toml");
        Files.writeString(
                file,
                GOOD
                        + "[hal.feedback]\ngreen_pin = 5\nred_pin = 6\nred_active_level = \"low\"\n"
                        + "buzzer_pin = 13\nbuzzer_sense_pin = 26\nsiren = \"30s\"\n");
        org.latchkey.hal.HalConfig.Feedback f = DeviceConfigLoader.load(file).hal().feedback();
        assertEquals(
                java.util.Map.of(
                        org.latchkey.hal.Indicators.Signal.GREEN,
                        new org.latchkey.hal.HalConfig.Output(
                                5, org.latchkey.hal.Level.HIGH, java.util.OptionalInt.empty()),
                        org.latchkey.hal.Indicators.Signal.RED,
                        new org.latchkey.hal.HalConfig.Output(
                                6, org.latchkey.hal.Level.LOW, java.util.OptionalInt.empty()),
                        org.latchkey.hal.Indicators.Signal.BUZZER,
                        new org.latchkey.hal.HalConfig.Output(
                                13, org.latchkey.hal.Level.HIGH, java.util.OptionalInt.of(26))),
                f.outputs());
        assertEquals(Duration.ofSeconds(30), f.siren());
        assertEquals(
                org.latchkey.hal.HalConfig.Feedback.NONE,
                DeviceConfigLoader.load(write(GOOD)).hal().feedback(),
                "none by default");
    }

    @Test
    void feedback_mistakes_areRefusedWithTheKey() throws Exception {
        assertEquals(
                "hal.feedback.red_pin: BCM pin 17 is already used by hal.door.pin",
                firstLine(error(GOOD + "[hal.feedback]\nred_pin = 17\n")));
        assertEquals(
                "hal.feedback.siren: needs buzzer_pin",
                firstLine(error(GOOD + "[hal.feedback]\nred_pin = 6\nsiren = \"1m\"\n")));
        assertEquals(
                "hal.feedback.siren: must be between 0s and 15m",
                firstLine(error(GOOD + "[hal.feedback]\nbuzzer_pin = 6\nsiren = \"1h\"\n")));
        assertEquals(
                "hal.feedback.green_active_level: needs green_pin",
                firstLine(error(GOOD + "[hal.feedback]\ngreen_active_level = \"low\"\n")));
        assertEquals(
                "scanner.idle_end: must be between 20ms and 2s",
                firstLine(
                        error(
                                GOOD
                                        + "[scanner]\n"
                                        + "device = \"/dev/ttyACM0\"\n"
                                        + "idle_end = \"5ms\"\n")));
        assertEquals(
                "scanner.device: must be an absolute path, like \"/dev/ttyACM0\"",
                firstLine(error(GOOD + "[scanner]\ndevice = \"ttyACM0\"\n")));
    }
}
