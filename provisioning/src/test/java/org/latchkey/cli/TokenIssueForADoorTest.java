package org.latchkey.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;

/**
 * The homeowner's two tasks, one command each with local times, on a door set up by init; and a
 * token its door would refuse whatever the time is refused before it is printed, with the door's
 * reason.
 */
class TokenIssueForADoorTest {
    @TempDir Path dir;

    final CliRun cli = new CliRun();
    String config;

    @BeforeEach
    void setUp() throws Exception {
        cli.clock = InstantSource.fixed(java.time.Instant.parse("2026-12-07T12:00:00Z"));
        ok(cli.init(dir, "--timezone", "Europe/Berlin"));
        config = dir.resolve("latchkey.toml").toString();
        assertTrue(
                Files.readString(dir.resolve("latchkey.toml"))
                        .contains("timezone = \"Europe/Berlin\""),
                "init writes the door's zone into its config");
        for (String name : new String[] {"parcel-co", "stranger"}) {
            ok(
                    cli.run(
                            "keys",
                            "generate",
                            "--out",
                            dir.toString(),
                            "--name",
                            name,
                            "--no-passphrase"));
        }
        ok(
                cli.run(
                        "issuer",
                        "add",
                        "--config",
                        config,
                        "--name",
                        "parcel-co",
                        "--key",
                        dir.resolve("parcel-co.pub").toString(),
                        "--roles",
                        "delivery",
                        "--max-window",
                        "4h",
                        "--once-only"));
    }

    private static CliRun.Result ok(CliRun.Result r) {
        assertEquals(0, r.code(), r.out() + r.err());
        return r;
    }

    private CliRun.Result issue(String key, String... more) {
        List<String> args =
                new ArrayList<>(
                        List.of(
                                "token",
                                "issue",
                                "--key",
                                dir.resolve(key + ".key").toString(),
                                "--config",
                                config));
        args.addAll(List.of(more));
        return cli.run(args.toArray(String[]::new));
    }

    @Test
    void theOwnersTwoTasks_areOneCommandEach_inTheDoorsLocalTime() {
        // A courier tomorrow 09-12.
        CliRun.Result courier =
                ok(
                        issue(
                                "owner",
                                "--role",
                                "delivery",
                                "--sub",
                                "courier",
                                "--window",
                                "--not-before",
                                "2026-12-08 09:00",
                                "--expires",
                                "2026-12-08 12:00"));
        assertTrue(
                courier.err()
                        .contains(
                                "--not-before 2026-12-08 09:00 read in Europe/Berlin (the door's"
                                        + " time zone): 2026-12-08T08:00:00Z"),
                courier.err());
        String token = courier.out().strip();
        ok(cli.run("token", "verify", "--config", config, "--at", "2026-12-08 11:59", token));
        assertEquals(
                ExitCode.REJECTED,
                cli.run("token", "verify", "--config", config, "--at", "2026-12-08 12:01", token)
                        .code());

        // A cleaner on Tuesdays 10-13 for two months.
        CliRun.Result cleaner =
                ok(
                        issue(
                                "owner",
                                "--role",
                                "guest",
                                "--sub",
                                "cleaner",
                                "--window",
                                "--not-before",
                                "2026-12-08",
                                "--for",
                                "62d",
                                "--hours",
                                "Tue 10:00-13:00"));
        String pass = cleaner.out().strip();
        ok(cli.run("token", "verify", "--config", config, "--at", "2027-02-02 12:59", pass));
        CliRun.Result wednesday =
                cli.run("token", "verify", "--config", config, "--at", "2027-02-03 11:00", pass);
        assertEquals(ExitCode.REJECTED, wednesday.code());
        assertTrue(wednesday.err().contains("OUTSIDE_HOURS"), wednesday.err());
    }

    @Test
    void aTokenTheDoorWouldRefuse_isNotPrinted_andTheDoorsReasonIsGiven() {
        expectRefused(
                issue("owner", "--role", "guest", "--sub", "x", "--window", "--for", "63d"),
                "WINDOW_TOO_LONG");
        expectRefused(
                issue("parcel-co", "--role", "delivery", "--sub", "x", "--window", "--for", "1h"),
                "USE_NOT_ALLOWED");
        expectRefused(
                issue("parcel-co", "--role", "guest", "--sub", "x", "--once", "--for", "1h"),
                "ROLE_NOT_ALLOWED");
        expectRefused(
                issue("stranger", "--role", "guest", "--sub", "x", "--once", "--for", "1h"),
                "UNKNOWN_KEY");
        ok(issue("parcel-co", "--role", "delivery", "--sub", "x", "--once", "--for", "4h"));
        // A cleaning company's key may be used on weekdays only: a Saturday pass opens nothing.
        ok(
                cli.run(
                        "issuer",
                        "add",
                        "--config",
                        config,
                        "--name",
                        "cleanco",
                        "--key",
                        dir.resolve("stranger.pub").toString(),
                        "--roles",
                        "service",
                        "--max-window",
                        "62d",
                        "--hours",
                        "Mon-Fri 08:00-18:00"));
        CliRun.Result saturdays =
                issue(
                        "stranger",
                        "--role",
                        "service",
                        "--sub",
                        "x",
                        "--window",
                        "--for",
                        "62d",
                        "--hours",
                        "Sat 10:00-13:00");
        expectRefused(saturdays, "OUTSIDE_HOURS");
        assertTrue(saturdays.err().contains("never meet"), saturdays.err());
        ok(
                issue(
                        "stranger",
                        "--role",
                        "service",
                        "--sub",
                        "x",
                        "--window",
                        "--for",
                        "62d",
                        "--hours",
                        "Fri-Sat 10:00-13:00"));
    }

    private static void expectRefused(CliRun.Result r, String reason) {
        assertEquals(ExitCode.REJECTED, r.code(), r.err());
        assertEquals("", r.out(), "nothing printed");
        assertTrue(r.err().contains("rejected: " + reason), r.err());
        assertTrue(r.err().contains("would refuse this token"), r.err());
        assertFalse(r.err().contains("v4.public."), "the token is not shown: " + r.err());
    }
}
