package org.latchkey.cli;

/** The exit codes of token-profile.md, the same for every command. */
public final class ExitCode {
    public static final int OK = 0;
    /** I/O, a bad file, the daemon unreachable. */
    public static final int FAILED = 1;
    public static final int USAGE = 2;
    /** A token or signed document was refused; stderr says {@code rejected: REASON}. */
    public static final int REJECTED = 3;
    public static final int INTERNAL = 4;

    private ExitCode() {}
}
