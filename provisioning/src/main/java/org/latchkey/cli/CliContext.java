package org.latchkey.cli;

import java.io.Console;
import java.security.SecureRandom;
import java.time.InstantSource;
import java.util.function.Supplier;

/**
 * What the commands take from the world, injected so tests can fix the time and answer prompts. The
 * random source is asked for only by the commands that make keys or token ids.
 */
public record CliContext(
        InstantSource clock,
        Supplier<SecureRandom> randomSource,
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

    public SecureRandom random() {
        return randomSource.get();
    }

    public static CliContext system() {
        return new CliContext(
                InstantSource.system(),
                onFirstUse(),
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

    /**
     * The system's random source, made when first asked for: making one loads the security
     * providers and opens the kernel's random device, a noticeable part of a command that never
     * needs it (verify, inspect, status).
     */
    private static Supplier<SecureRandom> onFirstUse() {
        return new Supplier<>() {
            private SecureRandom random;

            @Override
            public synchronized SecureRandom get() {
                if (random == null) {
                    random = new SecureRandom();
                }
                return random;
            }
        };
    }
}
