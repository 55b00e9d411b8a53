package org.latchkey.daemon;

import org.tinylog.Level;
import org.tinylog.core.LogEntry;
import org.tinylog.core.LogEntryValue;
import org.tinylog.writers.Writer;

import java.io.PrintStream;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Collection;
import java.util.EnumSet;
import java.util.Map;

/**
 * A tinylog writer for the daemon. Under systemd (JOURNAL_STREAM set) each line starts with its
 * syslog priority, {@code <3>} error … {@code <7>} debug, and no timestamp (journald adds one); in
 * a terminal it prints a timestamp and the level name instead. tinylog's own {@code {level-code}}
 * is not a syslog priority.
 */
public final class JournaldWriter implements Writer {
    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("HH:mm:ss.SSS").withZone(ZoneId.systemDefault());
    private final boolean journal = System.getenv("JOURNAL_STREAM") != null;
    private final PrintStream out = System.err;

    public JournaldWriter(Map<String, String> properties) {
        // no options
    }

    @Override
    public Collection<LogEntryValue> getRequiredLogEntryValues() {
        return EnumSet.of(
                LogEntryValue.LEVEL,
                LogEntryValue.MESSAGE,
                LogEntryValue.EXCEPTION,
                LogEntryValue.DATE);
    }

    @Override
    public void write(LogEntry entry) {
        StringBuilder sb = new StringBuilder();
        if (journal) {
            sb.append('<').append(priority(entry.getLevel())).append('>');
        } else {
            sb.append(TIME.format(entry.getTimestamp().toInstant()))
                    .append(' ')
                    .append(entry.getLevel())
                    .append(' ');
        }
        sb.append(entry.getMessage() == null ? "" : entry.getMessage());
        if (entry.getException() != null) {
            sb.append(": ").append(entry.getException());
            for (StackTraceElement e : entry.getException().getStackTrace()) {
                sb.append(journal ? "\n<" + priority(entry.getLevel()) + ">    at " : "\n    at ")
                        .append(e);
            }
        }
        synchronized (out) {
            out.println(sb);
        }
    }

    static int priority(Level level) {
        return switch (level) {
            case ERROR -> 3;
            case WARN -> 4;
            case INFO -> 6;
            case DEBUG, TRACE, OFF -> 7;
        };
    }

    @Override
    public void flush() {
        out.flush();
    }

    @Override
    public void close() {
        out.flush();
    }
}
