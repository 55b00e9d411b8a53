package org.latchkey.cli;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The exit codes of docs/token-profile.md, the same for every command: the one table, help text
 * included.
 */
public final class ExitCode {
    public static final int OK = 0;

    /** I/O, a bad file, the daemon unreachable. */
    public static final int FAILED = 1;

    public static final int USAGE = 2;

    /** A token or signed document was refused; stderr says {@code rejected: REASON}. */
    public static final int REJECTED = 3;

    public static final int INTERNAL = 4;

    /** Each code and what it means, in order. */
    static final Map<Integer, String> MEANINGS = meanings();

    private ExitCode() {}

    private static Map<Integer, String> meanings() {
        Map<Integer, String> m = new LinkedHashMap<>();
        m.put(OK, "success");
        m.put(FAILED, "operation failed (I/O, bad file, daemon unreachable)");
        m.put(USAGE, "usage error");
        m.put(REJECTED, "token or document rejected (stderr: rejected: REASON)");
        m.put(INTERNAL, "internal error");
        return m;
    }

    /** The table as the help's footer shows it. */
    static String[] footer() {
        return MEANINGS.entrySet().stream()
                .map(e -> "  " + e.getKey() + "  " + e.getValue())
                .toArray(String[]::new);
    }
}
