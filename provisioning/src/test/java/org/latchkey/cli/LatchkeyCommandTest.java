package org.latchkey.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import java.util.List;

/** Only the command a command line names is built; help and anything unknown see them all. */
class LatchkeyCommandTest {
    private final CliRun cli = new CliRun();

    @Test
    void aNamedCommand_isTheOnlyOneBuilt() {
        assertEquals(List.of(TokenCommand.class), LatchkeyCommand.needed("token", "verify", "x"));
        assertEquals(List.of(AuditCommand.class), LatchkeyCommand.needed("audit", "--help"));
        assertEquals(List.of(), LatchkeyCommand.needed("--version"));
    }

    @Test
    void help_nothing_orAnUnknownWord_buildThemAll() {
        assertEquals(LatchkeyCommand.COMMANDS, LatchkeyCommand.needed());
        assertEquals(LatchkeyCommand.COMMANDS, LatchkeyCommand.needed("help", "token"));
        assertEquals(LatchkeyCommand.COMMANDS, LatchkeyCommand.needed("--help"));
        assertEquals(LatchkeyCommand.COMMANDS, LatchkeyCommand.needed("tokn"));
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
        CliRun.Result typo = cli.run("tokn");
        assertEquals(2, typo.code());
        assertTrue(typo.err().contains("token"), "suggests the command: " + typo.err());
        assertTrue(cli.run("--version").out().startsWith("latchkey "));
    }
}
