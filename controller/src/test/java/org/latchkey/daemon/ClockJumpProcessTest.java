package org.latchkey.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.latchkey.testing.DaemonProcess;
import org.latchkey.testing.OsTools;
import org.latchkey.testing.TestDoor;
import org.latchkey.token.Role;
import org.latchkey.token.Use;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The third review's clock findings, replayed as they were found: a real latchkeyd --simulate whose
 * wall clock (and only its) is stepped with libfaketime while it runs, the monotonic clock left
 * alone, as a spoofed NTP server or a person with root would step it.
 */
class ClockJumpProcessTest {
    @TempDir Path dir;

    final DaemonFixture fx = new DaemonFixture();
    Path faketime;
    Map<String, String> env;

    @BeforeEach
    void libfaketime() throws Exception {
        OsTools.require("faketime", "faketime");
        Path lib;
        try (Stream<Path> found =
                Files.find(
                        Path.of("/usr/lib"),
                        3,
                        (p, a) -> p.endsWith("faketime/libfaketime.so.1"))) {
            lib =
                    found.findFirst()
                            .orElseThrow(
                                    () ->
                                            new AssertionError(
                                                    "faketime is installed but not"
                                                            + " libfaketime.so.1"));
        }
        faketime = dir.resolve("faketime");
        step("+0");
        env =
                Map.of(
                        "LD_PRELOAD",
                        lib.toString(),
                        "FAKETIME_TIMESTAMP_FILE",
                        faketime.toString(),
                        "FAKETIME_NO_CACHE",
                        "1",
                        "FAKETIME_DONT_FAKE_MONOTONIC",
                        "1");
        DaemonFixture.writeConfig(dir);
    }

    private void step(String offset) throws IOException {
        Files.writeString(faketime, offset + "\n");
    }

    private DaemonProcess start(String name) throws Exception {
        DaemonProcess d =
                DaemonProcess.start(
                        dir.resolve("latchkey.toml"),
                        dir.resolve(name + ".log"),
                        List.of(),
                        "022",
                        env);
        locked(d);
        return d;
    }

    private String locked(DaemonProcess d) throws Exception {
        return fx.awaitStatus(
                d.port, s -> s.contains("\"state\":\"LOCKED\""), Duration.ofSeconds(20));
    }

    private HttpResponse<String> present(DaemonProcess d, String token) throws Exception {
        HttpResponse<String> r = fx.post(d.port, "/v1/access", token);
        if (r.statusCode() == 200) {
            fx.awaitStatus(
                    d.port, s -> s.contains("\"bolt\":\"UNLOCKED\""), Duration.ofSeconds(10));
            fx.post(d.port, "/v1/sim/door", "open"); // the courier goes in and out: it relocks
            fx.post(d.port, "/v1/sim/door", "close");
            locked(d);
        }
        return r;
    }

    private long floor() throws IOException {
        Path file = dir.resolve("state/time-floor");
        if (!Files.exists(file)) {
            return 0; // (the first release wrote none before its first upkeep)
        }
        String text = Files.readString(file).strip();
        return Long.parseLong(text.split(" ")[0]);
    }

    /** Long enough for the door's upkeep (every 30 s) to have run at least once. */
    private void throughAnUpkeep(DaemonProcess d) throws Exception {
        long end = System.nanoTime() + Duration.ofSeconds(32).toNanos();
        while (System.nanoTime() < end) {
            fx.get(d.port, "/v1/status");
            Thread.sleep(500); // real time must pass for a real daemon's upkeep: polling it
        }
    }

    @Test
    void aForwardJumpAndTheObviousRecovery_neverOpenAUsedOnceTokenAgain() throws Exception {
        String a = TestDoor.token(TestDoor.OWNER, Role.OWNER, Use.ONCE, Instant.now());
        String b = TestDoor.token(TestDoor.OWNER, Role.GUEST, Use.ONCE, Instant.now());
        try (DaemonProcess d = start("first")) {
            assertEquals(200, present(d, a).statusCode());
            assertEquals(200, present(d, b).statusCode());
            long before = floor();
            step("+2d");
            String s =
                    fx.awaitStatus(
                            d.port, x -> x.contains("\"trusted\":false"), Duration.ofSeconds(5));
            assertTrue(s.contains("CLOCK_UNTRUSTED"), "trust and its alarm together: " + s);
            throughAnUpkeep(d);
            assertTrue(
                    floor() <= Instant.now().getEpochSecond() + 60,
                    "the floor was dragged ahead: " + floor() + " (was " + before + ")");
            step("+0");
            d.term();
        }
        Files.delete(dir.resolve("state/time-floor"));
        try (DaemonProcess d = start("after-rm")) {
            String s = fx.get(d.port, "/v1/status").body();
            assertTrue(s.contains("STATE_DAMAGED") && s.contains("CLOCK_UNTRUSTED"), s);
            HttpResponse<String> again = present(d, b);
            assertEquals(403, again.statusCode(), "B opened a second time: " + again.body());
            assertTrue(again.body().contains("CLOCK_UNTRUSTED"), again.body());
            assertTrue(present(d, a).body().contains("ALREADY_USED"));
            d.term();
        }
    }

    @Test
    void theVeryFirstStatus_saysWhatTheStartFound_anUntrustedClockIncluded() throws Exception {
        // The fourth review: for about 300 ms after "ready" the status said trusted though the
        // clock was beyond max_offline.
        Path state = Files.createDirectories(dir.resolve("state"));
        Files.writeString(
                state.resolve("time-floor"),
                Instant.now().minus(Duration.ofDays(365)).getEpochSecond()
                        + " 00000000-0000-4000-8000-000000000001 1000\n");
        try (DaemonProcess d =
                DaemonProcess.start(dir.resolve("latchkey.toml"), dir.resolve("first.log"))) {
            String first = fx.get(d.port, "/v1/status").body();
            assertTrue(first.contains("\"trusted\":false"), first);
            assertTrue(first.contains("CLOCK_UNTRUSTED"), first);
            d.term();
        }
    }

    @Test
    void aBackwardStep_isUntrusted_andItsAlarmIsRaised_inTheSameStatus() throws Exception {
        // Finding 9: after a backward step, status said clock.trusted:false with alarms:[] for up
        // to 30 s.
        try (DaemonProcess first = start("before")) {
            first.term(); // its floor is written at shutdown
        }
        try (DaemonProcess d = start("back")) {
            step("-1h");
            String s =
                    fx.awaitStatus(
                            d.port, x -> x.contains("\"trusted\":false"), Duration.ofSeconds(40));
            assertTrue(s.contains("CLOCK_UNTRUSTED"), "trust and its alarm together: " + s);
            step("+0");
            d.term();
        }
    }

    @Test
    void aForwardStepLongerThanTheOwnersWindow_locksNobodyOutOnceItIsOver() throws Exception {
        try (DaemonProcess d = start("jump")) {
            step("+40d");
            fx.awaitStatus(d.port, x -> x.contains("CLOCK_UNTRUSTED"), Duration.ofSeconds(5));
            throughAnUpkeep(d);
            step("+0");
            String s =
                    fx.awaitStatus(
                            d.port, x -> x.contains("\"trusted\":true"), Duration.ofSeconds(5));
            assertFalse(s.contains("CLOCK_UNTRUSTED"), s);
            assertEquals(
                    200,
                    present(
                                    d,
                                    TestDoor.token(
                                            TestDoor.OWNER,
                                            Role.OWNER,
                                            Use.WINDOW,
                                            Instant.now(),
                                            Duration.ofDays(29)))
                            .statusCode());
            HttpResponse<String> courier = present(d, DaemonFixture.courierOnce());
            assertEquals(200, courier.statusCode(), courier.body());
            d.term();
        }
    }
}
