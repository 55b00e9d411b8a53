package org.latchkey.testing;

import org.latchkey.store.Storage;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Real files with injected faults, through the door's storage seam: a disk that fills up (the write
 * that overflows it lands partly, then fails, as a real one does), a read-only card, and a power
 * cut that loses everything written to appended files since their last fsync. No mounts, no root.
 */
public final class FaultyStorage implements Storage {
    private long spaceLeft = Long.MAX_VALUE;
    private boolean readOnly;
    private int deletesLeft = Integer.MAX_VALUE;

    /** Appended files: their length at the last fsync (what a power cut leaves). */
    private final Map<Path, Long> durable = new HashMap<>();

    /** From now on only {@code bytes} more can be written; then "No space left on device". */
    public synchronized FaultyStorage fillAfter(long bytes) {
        spaceLeft = bytes;
        return this;
    }

    public synchronized FaultyStorage freeSpace() {
        spaceLeft = Long.MAX_VALUE;
        return this;
    }

    public synchronized FaultyStorage readOnly(boolean on) {
        readOnly = on;
        return this;
    }

    /**
     * After {@code n} more deletions the power goes before the next one takes effect (it fails).
     */
    public synchronized FaultyStorage crashBeforeDelete(int n) {
        deletesLeft = n;
        return this;
    }

    /** The power goes: every appended file loses what was written after its last fsync. */
    public synchronized void powerCut() throws IOException {
        for (Map.Entry<Path, Long> e : durable.entrySet()) {
            if (Files.exists(e.getKey()) && Files.size(e.getKey()) > e.getValue()) {
                try (var ch =
                        java.nio.channels.FileChannel.open(
                                e.getKey(), java.nio.file.StandardOpenOption.WRITE)) {
                    ch.truncate(e.getValue());
                }
            }
        }
    }

    private void writable(Path file) throws IOException {
        if (readOnly) {
            throw new FileSystemException(file.toString(), null, "Read-only file system");
        }
    }

    /** Takes {@code n} bytes of space; when there is less, takes what is left and says how much. */
    private synchronized long take(long n) {
        long granted = Math.min(n, spaceLeft);
        spaceLeft -= granted;
        return granted;
    }

    @Override
    public synchronized Appender append(Path file) throws IOException {
        writable(file);
        Appender real = REAL.append(file);
        durable.putIfAbsent(file, real.size()); // what is there already survived earlier runs
        return new Appender() {
            @Override
            public long size() throws IOException {
                return real.size();
            }

            @Override
            public void write(byte[] bytes) throws IOException {
                writable(file);
                long granted = take(bytes.length);
                if (granted < bytes.length) {
                    real.write(java.util.Arrays.copyOf(bytes, (int) granted)); // a torn record
                    throw new IOException(file + ": No space left on device");
                }
                real.write(bytes);
            }

            @Override
            public void force() throws IOException {
                real.force();
                synchronized (FaultyStorage.this) {
                    durable.put(file, real.size());
                }
            }

            @Override
            public void truncate(long size) throws IOException {
                writable(file);
                real.truncate(size);
                synchronized (FaultyStorage.this) {
                    durable.put(file, size);
                }
            }

            @Override
            public void close() throws IOException {
                real.close();
            }
        };
    }

    @Override
    public void replace(Path file, byte[] content) throws IOException {
        writable(file);
        if (take(content.length) < content.length) {
            throw new IOException(
                    file + ": No space left on device"); // the temporary file; the old one stays
        }
        REAL.replace(file, content);
        synchronized (this) {
            durable.remove(file);
        }
    }

    @Override
    public void move(Path from, Path to) throws IOException {
        writable(to);
        REAL.move(from, to);
        synchronized (this) {
            Long length = durable.remove(from);
            if (length != null) {
                durable.put(to, length);
            }
        }
    }

    @Override
    public void delete(Path file) throws IOException {
        writable(file);
        synchronized (this) {
            if (deletesLeft-- <= 0) {
                throw new IOException(file + ": the power went before it was removed");
            }
        }
        REAL.delete(file);
        synchronized (this) {
            durable.remove(file);
        }
    }
}
