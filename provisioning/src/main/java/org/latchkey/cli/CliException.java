package org.latchkey.cli;

/**
 * A failure a person can act on: its message is printed as it is, and the command exits with its
 * code.
 */
public final class CliException extends Exception {
    private final int exitCode;

    public CliException(int exitCode, String message) {
        super(message, null, false, false);
        this.exitCode = exitCode;
    }

    public static CliException failed(String message) {
        return new CliException(ExitCode.FAILED, message);
    }

    public static CliException usage(String message) {
        return new CliException(ExitCode.USAGE, message);
    }

    public int exitCode() {
        return exitCode;
    }
}
