package org.latchkey.cli;

import java.io.Console;
import java.security.SecureRandom;
import java.time.InstantSource;

/** What the commands take from the world, injected so tests can fix the time and answer prompts. */
public record CliContext(
        InstantSource clock,
        SecureRandom random,
        PassphrasePrompt prompt,
        Confirmation confirmation,
        HardwareTime hardwareTime) {

    /** Asks a person for a passphrase; {@code null} when there is no one to ask. */
    @FunctionalInterface
    public interface PassphrasePrompt {
        char[] ask(String question);
    }

    /** Asks a person a yes/no question; {@code null} when there is no one to ask. */
    @FunctionalInterface
    public interface Confirmation {
        Boolean ask(String question);
    }

    /** Whether hardware timing runs in real time, or on virtual time (tests: no waiting). */
    public enum HardwareTime {
        REAL,
        VIRTUAL
    }

    public static CliContext system() {
        return new CliContext(
                InstantSource.system(),
                new SecureRandom(),
                question -> {
                    Console console = System.console();
                    return console == null ? null : console.readPassword("%s", question);
                },
                question -> {
                    Console console = System.console();
                    if (console == null) {
                        return null;
                    }
                    String answer = console.readLine("%s [y/N] ", question);
                    return answer != null
                            && (answer.strip().equalsIgnoreCase("y")
                                    || answer.strip().equalsIgnoreCase("yes"));
                },
                HardwareTime.REAL);
    }
}
