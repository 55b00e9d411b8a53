package org.latchkey.bench;

import org.latchkey.audit.AuditVerifier;
import org.latchkey.door.Outcome;
import org.latchkey.hal.HalConfig;
import org.latchkey.scanner.InputEvent;
import org.latchkey.scanner.KeyTyping;
import org.latchkey.scanner.KeyboardDecoder;
import org.latchkey.scanner.Scan;
import org.latchkey.token.RejectionReason;
import org.latchkey.token.Role;
import org.latchkey.token.UnverifiedToken;
import org.latchkey.token.Use;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** The bench's stories: each a script of what happens at the door and what must follow. */
final class Scenarios {
    /** A step whose expectation did not hold. */
    static final class Diverged extends Exception {
        Diverged(String step, String actual) {
            super(step + " — but " + actual);
        }
    }

    /** Everything a script needs: a fresh door, its keys, and how to start it (again). */
    interface Run {
        BenchDoor door();

        BenchKeys keys();

        Instant start();

        /** Brings the door back up on the same state directory after a power cut. */
        BenchDoor restart(boolean[] physical, Duration offset) throws Exception;
    }

    @FunctionalInterface
    interface Script {
        void play(Run run) throws Exception;
    }

    /** What the device needs before the story starts. */
    enum Setup {
        NORMAL,
        /** {@code require_camera = true} in the config. */
        REQUIRE_CAMERA,
        /** A persisted time floor a day ahead of the clock. */
        CLOCK_BEHIND_FLOOR
    }

    /**
     * @param realTime the story needs real time whatever the bench runs on (edge timing)
     */
    record Scenario(
            String name,
            String story,
            Setup setup,
            Instant start,
            Script script,
            boolean realTime) {
        Scenario(String name, String story, Setup setup, Instant start, Script script) {
            this(name, story, setup, start, script, false);
        }
    }

    static final List<Scenario> ALL =
            List.of(
                    new Scenario(
                            "delivery",
                            "a courier's once token: granted, camera on, bolt unlocks, door opens"
                                    + " and closes, relocks, camera stops after the post-roll",
                            Setup.NORMAL,
                            BenchKeys.WEDNESDAY_10AM,
                            Scenarios::delivery),
                    new Scenario(
                            "replay",
                            "the same once token again: refused ALREADY_USED, nothing moves",
                            Setup.NORMAL,
                            BenchKeys.WEDNESDAY_10AM,
                            Scenarios::replay),
                    new Scenario(
                            "expired",
                            "a token past its window: refused EXPIRED",
                            Setup.NORMAL,
                            BenchKeys.WEDNESDAY_10AM,
                            r ->
                                    refused(
                                            r,
                                            r.keys()
                                                    .token(
                                                            r.keys().courier,
                                                            r.keys().doorId(),
                                                            Role.DELIVERY,
                                                            Use.ONCE,
                                                            r.start().minusSeconds(7200),
                                                            r.start().minusSeconds(3600),
                                                            "late"),
                                            RejectionReason.EXPIRED)),
                    new Scenario(
                            "wrong-lock",
                            "a token for another door named front-door too (another door id):"
                                    + " refused WRONG_LOCK",
                            Setup.NORMAL,
                            BenchKeys.WEDNESDAY_10AM,
                            r ->
                                    refused(
                                            r,
                                            r.keys()
                                                    .token(
                                                            r.keys().courier,
                                                            r.keys().otherDoor.publicKey().pid(),
                                                            Role.DELIVERY,
                                                            Use.ONCE,
                                                            r.start().minusSeconds(60),
                                                            r.start().plusSeconds(3600),
                                                            "elsewhere"),
                                            RejectionReason.WRONG_LOCK)),
                    new Scenario(
                            "tampered",
                            "a token with one character changed: refused BAD_SIGNATURE",
                            Setup.NORMAL,
                            BenchKeys.WEDNESDAY_10AM,
                            r ->
                                    refused(
                                            r,
                                            tamper(r.keys().courierOnce(r.start())),
                                            RejectionReason.BAD_SIGNATURE)),
                    new Scenario(
                            "unknown-issuer",
                            "a token signed by a key the door does not trust: refused UNKNOWN_KEY",
                            Setup.NORMAL,
                            BenchKeys.WEDNESDAY_10AM,
                            r ->
                                    refused(
                                            r,
                                            r.keys()
                                                    .token(
                                                            r.keys().stranger,
                                                            r.keys().doorId(),
                                                            Role.DELIVERY,
                                                            Use.ONCE,
                                                            r.start().minusSeconds(60),
                                                            r.start().plusSeconds(3600),
                                                            "stranger"),
                                            RejectionReason.UNKNOWN_KEY)),
                    new Scenario(
                            "outside-hours",
                            "a courier on a Sunday (the company is trusted Mon–Sat): refused"
                                    + " OUTSIDE_HOURS",
                            Setup.NORMAL,
                            BenchKeys.SUNDAY_10AM,
                            r ->
                                    refused(
                                            r,
                                            r.keys().courierOnce(r.start()),
                                            RejectionReason.OUTSIDE_HOURS)),
                    new Scenario(
                            "never-opened",
                            "granted, the door is never opened: relocks after the wait",
                            Setup.NORMAL,
                            BenchKeys.WEDNESDAY_10AM,
                            Scenarios::neverOpened),
                    new Scenario(
                            "left-open",
                            "the door is held open: DOOR_AJAR raised, cleared on close, then"
                                    + " relock",
                            Setup.NORMAL,
                            BenchKeys.WEDNESDAY_10AM,
                            Scenarios::leftOpen),
                    new Scenario(
                            "forced-entry",
                            "the door is forced open while locked: alarm and camera",
                            Setup.NORMAL,
                            BenchKeys.WEDNESDAY_10AM,
                            Scenarios::forcedEntry),
                    new Scenario(
                            "jam",
                            "the bolt jams on relocking: retries, then JAMMED and the alarm, never"
                                    + " reported as locked",
                            Setup.NORMAL,
                            BenchKeys.WEDNESDAY_10AM,
                            Scenarios::jam),
                    new Scenario(
                            "camera-offline",
                            "camera required but not ready: refused CAMERA_NOT_READY, token not"
                                    + " consumed",
                            Setup.REQUIRE_CAMERA,
                            BenchKeys.WEDNESDAY_10AM,
                            Scenarios::cameraOffline),
                    new Scenario(
                            "clock-untrusted",
                            "the clock is behind the time floor: courier refused, owner admitted",
                            Setup.CLOCK_BEHIND_FLOOR,
                            BenchKeys.WEDNESDAY_10AM,
                            Scenarios::clockUntrusted),
                    new Scenario(
                            "power-cut",
                            "stopped dead after consuming a token, then restarted: locked, the"
                                    + " token stays used, the audit chain verifies",
                            Setup.NORMAL,
                            BenchKeys.WEDNESDAY_10AM,
                            Scenarios::powerCut),
                    new Scenario(
                            "scanner-hid",
                            "a keyboard-mode scanner types a courier's token (recorded key"
                                    + " events): decoded and granted, green and two beeps; the"
                                    + " same token from a scanner on a German layout: refused,"
                                    + " red and three beeps",
                            Setup.NORMAL,
                            BenchKeys.WEDNESDAY_10AM,
                            Scenarios::scannerHid));

    private Scenarios() {}

    static Optional<Scenario> named(String name) {
        return ALL.stream().filter(s -> s.name().equals(name)).findFirst();
    }

    // ---- the stories

    private static void delivery(Run r) throws Exception {
        BenchDoor d = r.door();
        expectState(d, "the door starts locked", "LOCKED");
        Outcome o = d.present(r.keys().courierOnce(r.start()));
        expect(
                "the courier's token is granted",
                o.granted(),
                "it was refused " + o.refusal().orElse(null));
        expect("the camera records", d.model().camera().recording(), "the camera is off");
        d.advance(Duration.ofSeconds(1));
        expectState(d, "the bolt is unlocked", "UNLOCKED");
        d.open();
        d.advance(Duration.ofSeconds(20));
        d.shut();
        d.advance(Duration.ofSeconds(5));
        expectState(d, "the door relocks after it closes", "LOCKED");
        expect(
                "the camera still records during the post-roll",
                d.model().camera().recording(),
                "it stopped at the relock");
        d.advance(Duration.ofSeconds(10));
        expect(
                "the camera stops after the post-roll",
                !d.model().camera().recording(),
                "it still records");
    }

    /**
     * The keyboard path on recorded event bytes (as the kernel writes them on a 64-bit Pi): the
     * production decoder finds the code, the door answers, the lights and buzzer follow.
     */
    private static void scannerHid(Run r) throws Exception {
        BenchDoor d = r.door();
        String token = r.keys().courierOnce(r.start());
        byte[] us = KeyTyping.scan(token, KeyTyping.US, InputEvent.Layout.BITS_64);
        d.note("scanner", (us.length / 24) + " key events (24-byte records), US layout");
        List<Scan> scans = KeyboardDecoder.decode(us, InputEvent.Layout.BITS_64, 2048);
        expect(
                "the decoder finds the token, character for character",
                scans.equals(List.of(new Scan.Code(token))),
                "it found " + scans);
        Outcome o = d.present(token);
        expect("it is granted", o.granted(), "it was refused " + o.refusal().orElse(null));
        d.advance(Duration.ofSeconds(1));
        expectState(d, "the bolt is unlocked", "UNLOCKED");
        expect(
                "green while unlocked, after two beeps",
                d.lights().equals(List.of("green")),
                "the lights are " + d.lights());
        d.open();
        d.advance(Duration.ofSeconds(5));
        d.shut();
        d.advance(Duration.ofSeconds(15));
        expectState(d, "locked again", "LOCKED");
        expect("green off once locked", d.lights().isEmpty(), "the lights are " + d.lights());

        String other = r.keys().courierOnce(r.start().plusSeconds(30));
        byte[] german = KeyTyping.scan(other, KeyTyping.german(), InputEvent.Layout.BITS_64);
        d.note("scanner", "the same kind of token from a scanner set to a German layout");
        List<Scan> wrong = KeyboardDecoder.decode(german, InputEvent.Layout.BITS_64, 2048);
        String typed = ((Scan.Code) wrong.getFirst()).text();
        expect("it decodes to another text", !typed.equals(other), "it decoded right");
        Outcome refused = d.present(typed);
        expect("it is refused", !refused.granted(), "it was granted");
        d.advance(Duration.ofMillis(50));
        expect("red", d.lights().contains("red"), "the lights are " + d.lights());
        d.advance(Duration.ofSeconds(2));
        expectState(d, "nothing moved", "LOCKED");
    }

    private static void replay(Run r) throws Exception {
        BenchDoor d = r.door();
        String token = r.keys().courierOnce(r.start());
        expect("the first use is granted", d.present(token).granted(), "it was refused");
        d.advance(Duration.ofSeconds(1));
        d.open();
        d.shut();
        d.advance(Duration.ofSeconds(15));
        expectState(d, "locked again after the delivery", "LOCKED");
        Outcome again = d.present(token);
        expect(
                "the replay is refused ALREADY_USED",
                again.refusal().orElse(null) == RejectionReason.ALREADY_USED,
                "the answer was " + describe(again));
        d.advance(Duration.ofSeconds(2));
        expectState(d, "nothing moved", "LOCKED");
    }

    private static void refused(Run r, String token, RejectionReason reason) throws Exception {
        BenchDoor d = r.door();
        expectState(d, "the door starts locked", "LOCKED");
        Outcome o = d.present(token);
        expect(
                "refused " + reason,
                o.refusal().orElse(null) == reason,
                "the answer was " + describe(o));
        d.advance(Duration.ofSeconds(2));
        expectState(d, "nothing moved", "LOCKED");
        expect("the camera never started", !d.model().camera().recording(), "the camera is on");
    }

    private static void neverOpened(Run r) throws Exception {
        BenchDoor d = r.door();
        expect("granted", d.present(r.keys().courierOnce(r.start())).granted(), "it was refused");
        d.advance(Duration.ofSeconds(1));
        expectState(d, "unlocked", "UNLOCKED");
        d.advance(Duration.ofSeconds(28));
        expectState(d, "still unlocked within the 30 s wait", "UNLOCKED");
        d.advance(Duration.ofSeconds(3));
        expectState(d, "relocked after the wait, the door never opened", "LOCKED");
    }

    private static void leftOpen(Run r) throws Exception {
        BenchDoor d = r.door();
        expect("granted", d.present(r.keys().courierOnce(r.start())).granted(), "it was refused");
        d.advance(Duration.ofSeconds(1));
        d.open();
        d.advance(Duration.ofSeconds(119));
        expect(
                "no alarm before 120 s",
                d.model().alarms().isEmpty(),
                "alarms " + d.model().alarms());
        d.advance(Duration.ofSeconds(2));
        expect("DOOR_AJAR raised", alarm(d, "DOOR_AJAR"), "alarms " + d.model().alarms());
        expect(
                "the bolt is not thrown into the open door",
                d.model().stateName().equals("UNLOCKED"),
                "the state is " + d.model().stateName());
        d.shut();
        expect(
                "DOOR_AJAR cleared on close",
                !alarm(d, "DOOR_AJAR"),
                "alarms " + d.model().alarms());
        d.advance(Duration.ofSeconds(5));
        expectState(d, "relocked", "LOCKED");
    }

    private static void forcedEntry(Run r) throws Exception {
        BenchDoor d = r.door();
        expectState(d, "the door starts locked", "LOCKED");
        d.force();
        expect(
                "DOOR_FORCED_OPEN raised",
                alarm(d, "DOOR_FORCED_OPEN"),
                "alarms " + d.model().alarms());
        expect("the camera records", d.model().camera().recording(), "the camera is off");
        d.shut();
        d.advance(Duration.ofSeconds(5));
        expectState(d, "relocked once closed", "LOCKED");
    }

    private static void jam(Run r) throws Exception {
        BenchDoor d = r.door();
        expect("granted", d.present(r.keys().courierOnce(r.start())).granted(), "it was refused");
        d.advance(Duration.ofSeconds(1));
        d.open();
        d.inject(HalConfig.Fault.BOLT_JAM);
        d.shut();
        d.advance(Duration.ofSeconds(10));
        expectState(d, "JAMMED after the retries", "JAMMED");
        expect("LOCK_JAMMED raised", alarm(d, "LOCK_JAMMED"), "alarms " + d.model().alarms());
        expect(
                "never reported as locked",
                !d.model().bolt().name().equals("LOCKED"),
                "the bolt reads LOCKED");
        expect("the bolt really is not thrown", !d.backend().boltThrown(), "it is thrown");
    }

    private static void cameraOffline(Run r) throws Exception {
        BenchDoor d = r.door();
        d.inject(HalConfig.Fault.CAMERA_OFFLINE);
        String token = r.keys().courierOnce(r.start());
        Outcome o = d.present(token);
        expect(
                "refused CAMERA_NOT_READY",
                o.refusal().orElse(null) == RejectionReason.CAMERA_NOT_READY,
                "the answer was " + describe(o));
        UnverifiedToken t = UnverifiedToken.read(token);
        expect(
                "the token was not consumed",
                !d.store().isUsed(t.kid(), t.claims().path("jti").asText()),
                "it was");
        expect("CAMERA_FAULT raised", alarm(d, "CAMERA_FAULT"), "alarms " + d.model().alarms());
        expectState(d, "the bolt never moved", "LOCKED");
        expect("the bolt is still thrown", d.backend().boltThrown(), "it is not");
    }

    private static void clockUntrusted(Run r) throws Exception {
        BenchDoor d = r.door();
        expect(
                "CLOCK_UNTRUSTED raised at start",
                alarm(d, "CLOCK_UNTRUSTED"),
                "alarms " + d.model().alarms());
        Outcome courier = d.present(r.keys().courierOnce(r.start()));
        expect(
                "the courier is refused CLOCK_UNTRUSTED",
                courier.refusal().orElse(null) == RejectionReason.CLOCK_UNTRUSTED,
                "the answer was " + describe(courier));
        // Expiry counts from the later of the clock and the floor: the owner's token must still be
        // valid at the floor, a day ahead.
        Outcome owner =
                d.present(r.keys().ownerWindow(r.start(), r.start().plus(Duration.ofDays(2))));
        expect("the owner is admitted", owner.granted(), "the answer was " + describe(owner));
        d.advance(Duration.ofSeconds(1));
        expectState(d, "unlocked for the owner", "UNLOCKED");
    }

    private static void powerCut(Run r) throws Exception {
        BenchDoor d = r.door();
        String token = r.keys().courierOnce(r.start());
        expect("granted", d.present(token).granted(), "it was refused");
        d.advance(Duration.ofSeconds(1));
        expectState(d, "unlocked", "UNLOCKED");
        boolean[] physical = d.powerCut();
        BenchDoor again = r.restart(physical, d.now().plusSeconds(5));
        again.advance(Duration.ofSeconds(2));
        expectState(again, "locked after the restart", "LOCKED");
        Outcome replay = again.present(token);
        expect(
                "the token stays used",
                replay.refusal().orElse(null) == RejectionReason.ALREADY_USED,
                "the answer was " + describe(replay));
        again.stop();
        AuditVerifier.Report report = AuditVerifier.verify(again.stateDir());
        expect("the audit chain verifies", report.intact(), report.firstProblem().orElse(""));
    }

    // ---- helpers

    static void expect(String step, boolean holds, String otherwise) throws Diverged {
        if (!holds) {
            throw new Diverged(step, otherwise);
        }
    }

    static void expectState(BenchDoor d, String step, String state) throws Diverged {
        expect(step, d.model().stateName().equals(state), "the state is " + d.model().stateName());
    }

    static boolean alarm(BenchDoor d, String name) {
        return d.model().alarms().stream().anyMatch(a -> a.name().equals(name));
    }

    private static String describe(Outcome o) {
        return o.granted() ? "granted" : "refused " + o.refusal().get();
    }

    /** Changes one character of the signature part, keeping it valid base64url. */
    static String tamper(String token) {
        int i = token.lastIndexOf('.') - 10;
        return token.substring(0, i)
                + (token.charAt(i) == 'A' ? 'B' : 'A')
                + token.substring(i + 1);
    }

    /**
     * Writes a time floor ahead of the clock, as a clock reset after a power cut would leave it.
     */
    static void floorAhead(Path stateDir, Instant floor) throws java.io.IOException {
        Files.createDirectories(stateDir);
        Files.writeString(stateDir.resolve("time-floor"), floor.getEpochSecond() + "\n");
    }
}
