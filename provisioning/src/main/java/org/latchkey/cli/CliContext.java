package org.latchkey.cli;

import java.io.Console;
import java.security.SecureRandom;
import java.time.InstantSource;

/** What the commands take from the world, injected so tests can fix the time and answer prompts. */
public record CliContext(InstantSource clock, SecureRandom random, PassphrasePrompt prompt) {

    /** Asks a person for a passphrase; {@code null} when there is no one to ask. */
    @FunctionalInterface
    public interface PassphrasePrompt {
        char[] ask(String question);
    }

    public static CliContext system() {
        return new CliContext(InstantSource.system(), new SecureRandom(), question -> {
            Console console = System.console();
            return console == null ? null : console.readPassword("%s", question);
        });
    }
}
