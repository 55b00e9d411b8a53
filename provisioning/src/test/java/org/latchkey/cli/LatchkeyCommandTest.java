package org.latchkey.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

/** Only the command a command line names is built; help and anything unknown see them all. */
class LatchkeyCommandTest {
    private final CliRun cli = new CliRun();

    @Test
    void aNamedCommand_isTheOnlyOneBuilt_withTheSubcommandNamed() {
        assertEquals(
                Map.of(TokenCommand.class, List.of(TokenVerifyCommand.class)),
                LatchkeyCommand.needed("token", "verify", "x"));
        assertEquals(
                Map.of(AuditCommand.class, LatchkeyCommand.GROUPS.get(AuditCommand.class)),
                LatchkeyCommand.needed("audit", "--help"));
        assertEquals(
                Map.of(InitCommand.class, List.of()),
                LatchkeyCommand.needed("init", "--config-dir", "x"));
        assertEquals(Map.of(), LatchkeyCommand.needed("--version"));
    }

    @Test
    void help_nothing_orAnUnknownWord_buildThemAll() {
        Map<Class<?>, List<Class<?>>> all = LatchkeyCommand.needed();
        assertEquals(LatchkeyCommand.COMMANDS, List.copyOf(all.keySet()));
        assertEquals(all, LatchkeyCommand.needed("help", "token"));
        assertEquals(all, LatchkeyCommand.needed("--help"));
        assertEquals(all, LatchkeyCommand.needed("tokn"));
        assertEquals(all, LatchkeyCommand.needed("--help", "token"), "the root's help lists all");
        assertEquals(
                Map.of(TokenCommand.class, LatchkeyCommand.GROUPS.get(TokenCommand.class)),
                LatchkeyCommand.needed("token", "--help", "verify"),
                "the group's help lists all of it");
        assertEquals(
                Map.of(TokenCommand.class, LatchkeyCommand.GROUPS.get(TokenCommand.class)),
                LatchkeyCommand.needed("token", "vrfy"),
                "an unknown subcommand: its group whole, to suggest one");
    }

    @Test
    void theCommandLine_behavesAsOne_whateverWasBuilt() throws Exception {
        CliRun.Result help = cli.run("--help");
        assertEquals(0, help.code(), help.err());
        for (String c : List.of("init", "keys", "token", "issuer", "revoke", "status", "audit")) {
            assertTrue(help.out().contains(c), c + " listed:\n" + help.out());
        }
        CliRun.Result leaf = cli.run("token", "verify", "--help");
        assertTrue(leaf.out().contains("Usage: latchkey token verify"), leaf.out());
        CliRun.Result helpOf = cli.run("help", "token");
        assertTrue(helpOf.out().contains("Usage: latchkey token"), helpOf.out());
        CliRun.Result subTypo = cli.run("token", "vrfy");
        assertEquals(2, subTypo.code());
        assertTrue(subTypo.err().contains("verify"), "suggests the subcommand: " + subTypo.err());
        CliRun.Result typo = cli.run("tokn");
        assertEquals(2, typo.code());
        assertTrue(typo.err().contains("token"), "suggests the command: " + typo.err());
        assertTrue(cli.run("--version").out().startsWith("latchkey "));
    }
}
