package org.latchkey.store;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Every write the door makes to its state directory goes through here: the one seam where tests put
 * a full disk, a torn write, a read-only card or a power cut that loses what was not fsync'ed.
 * Reads go to the file system directly.
 */
public interface Storage {
    /** The real file system. */
    Storage REAL = new Real();

    /**
     * Reads only: every write fails. For a command that looks at a state directory another process
     * owns (a running latchkeyd).
     */
    Storage READ_ONLY = new ReadOnly();

    /**
     * Opens {@code file} for writing at its end, creating it (and making the new entry durable) if
     * missing.
     */
    Appender append(Path file) throws IOException;

    /**
     * Replaces {@code file} with {@code content} crash-safely: temporary file, fsync, rename, fsync
     * the folder.
     */
    void replace(Path file, byte[] content) throws IOException;

    /** Renames {@code from} to {@code to} atomically and makes it durable. */
    void move(Path from, Path to) throws IOException;

    void delete(Path file) throws IOException;

    /** An open file that grows at its end. */
    interface Appender extends Closeable {
        long size() throws IOException;

        /**
         * Writes every byte at the end; when it fails, a prefix may have been written (a torn
         * record).
         */
        void write(byte[] bytes) throws IOException;

        /** fsync: what was written survives a power cut once this returns. */
        void force() throws IOException;

        /**
         * Cuts the file back to {@code size} bytes (a failed append's fragment) and forces the cut.
         */
        void truncate(long size) throws IOException;
    }

    /** {@link #REAL}. */
    final class Real implements Storage {
        private Real() {}

        @Override
        public Appender append(Path file) throws IOException {
            boolean created = !Files.exists(file);
            FileChannel ch =
                    FileChannel.open(
                            file,
                            // never through a link: root's commands append in the daemon's
                            // folder, where its user could plant one (to /etc/passwd, say)
                            java.util.Set.of(
                                    StandardOpenOption.CREATE,
                                    StandardOpenOption.WRITE,
                                    java.nio.file.LinkOption.NOFOLLOW_LINKS),
                            AtomicFiles.ownerOnly(file.toAbsolutePath().getParent()));
            if (created) {
                try {
                    AtomicFiles.ownLikeItsFolder(file);
                    AtomicFiles.syncDirectory(file.toAbsolutePath().getParent());
                } catch (IOException e) {
                    ch.close();
                    throw e;
                }
            }
            return new Appender() {
                @Override
                public long size() throws IOException {
                    return ch.size();
                }

                @Override
                public void write(byte[] bytes) throws IOException {
                    ch.position(ch.size());
                    ByteBuffer buf = ByteBuffer.wrap(bytes);
                    while (buf.hasRemaining()) {
                        ch.write(buf);
                    }
                }

                @Override
                public void force() throws IOException {
                    ch.force(false);
                }

                @Override
                public void truncate(long size) throws IOException {
                    ch.truncate(size);
                    ch.force(false);
                }

                @Override
                public void close() throws IOException {
                    ch.close();
                }
            };
        }

        @Override
        public void replace(Path file, byte[] content) throws IOException {
            AtomicFiles.write(file, content);
        }

        @Override
        public void move(Path from, Path to) throws IOException {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
            AtomicFiles.syncDirectory(to.toAbsolutePath().getParent());
        }

        @Override
        public void delete(Path file) throws IOException {
            Files.deleteIfExists(file);
            AtomicFiles.syncDirectory(file.toAbsolutePath().getParent());
        }
    }

    /** {@link #READ_ONLY}. */
    final class ReadOnly implements Storage {
        private ReadOnly() {}

        private static IOException refused(Path file) {
            return new IOException(file + ": not written (opened read-only)");
        }

        @Override
        public Appender append(Path file) throws IOException {
            throw refused(file);
        }

        @Override
        public void replace(Path file, byte[] content) throws IOException {
            throw refused(file);
        }

        @Override
        public void move(Path from, Path to) throws IOException {
            throw refused(from);
        }

        @Override
        public void delete(Path file) throws IOException {
            throw refused(file);
        }
    }
}
