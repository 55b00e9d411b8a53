package org.latchkey.cli;

import org.latchkey.config.ConfigException;
import org.latchkey.config.DeviceConfig;
import org.latchkey.config.DeviceConfigLoader;
import org.latchkey.store.AtomicFiles;
import org.latchkey.store.LockFile;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Edits {@code latchkey.toml} as text, so its comments survive. Every edit holds the config's lock
 * (a stable {@code .latchkey.toml.lock} beside it: the config itself is renamed away by each write,
 * so locking it would serialise nothing) from reading the file to replacing it, so two commands run
 * at once take turns and neither loses the other's change; the new text is loaded and validated in
 * full before it replaces the file atomically, and read back after.
 */
final class ConfigFile {
    private ConfigFile() {}

    /** One change to the config's text, made while the lock is held. */
    @FunctionalInterface
    interface Edit {
        /**
         * @param text the config as it is now
         * @param config the same, loaded
         * @return the new text
         */
        String apply(String text, DeviceConfig config) throws CliException;
    }

    /**
     * Reads, changes, validates and replaces {@code file} under its lock.
     *
     * @param command who edits, for whoever waits for the lock (e.g. {@code issuer add})
     * @return the config as it now is
     */
    static DeviceConfig edit(Path file, String command, Edit edit) throws CliException {
        try (LockFile lock = lock(file, command)) {
            removeLeftovers(file);
            String text = read(file);
            DeviceConfig before = parse(file, text, "");
            String next = edit.apply(text, before);
            DeviceConfig after = parse(file, next, "not changed: ");
            write(file, next);
            return after;
        } catch (IOException e) {
            throw CliException.failed(file + ": " + IoProblems.describe(e));
        }
    }

    /**
     * Writes a new config (init: the caller has validated it), under the lock.
     *
     * @param beforeWrite what must happen once the lock is held and before the file is written
     *     (init sets the old files aside)
     */
    static void create(Path file, String text, Step beforeWrite) throws CliException {
        try (LockFile lock = lock(file, "init")) {
            removeLeftovers(file);
            beforeWrite.run();
            write(file, text);
        } catch (IOException e) {
            throw CliException.failed(file + ": " + IoProblems.describe(e));
        }
    }

    /** Runs {@code step} under the config's lock. */
    static void locked(Path file, String command, Step step) throws CliException {
        try (LockFile lock = lock(file, command)) {
            step.run();
        } catch (IOException e) {
            throw CliException.failed(file + ": " + IoProblems.describe(e));
        }
    }

    /** Work done under the config's lock. */
    @FunctionalInterface
    interface Step {
        void run() throws CliException, IOException;
    }

    static String read(Path file) throws CliException {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw CliException.failed(file + ": cannot read: " + IoProblems.describe(e));
        }
    }

    private static LockFile lock(Path file, String command) throws CliException {
        Path lock = file.toAbsolutePath().resolveSibling("." + file.getFileName() + ".lock");
        try {
            return LockFile.acquire(lock, "latchkey " + command, LockFile.WAIT);
        } catch (LockFile.HeldException e) {
            throw CliException.failed(
                    "another command is changing "
                            + file
                            + " and did not finish in time: "
                            + e.getMessage()
                            + "; nothing was changed, try again");
        } catch (AccessDeniedException e) {
            throw CliException.failed(
                    "cannot lock "
                            + file
                            + " for changing it ("
                            + lock
                            + ": permission denied): run this as the config's owner, e.g. with"
                            + " sudo");
        } catch (IOException e) {
            throw CliException.failed("cannot lock " + file + ": " + IoProblems.describe(e));
        }
    }

    private static void removeLeftovers(Path file) {
        try {
            AtomicFiles.removeLeftoversOf(file);
        } catch (IOException e) {
            // Only tidiness: the write below uses a name of its own.
        }
    }

    private static DeviceConfig parse(Path file, String text, String prefix) throws CliException {
        try {
            return DeviceConfigLoader.parse(file, text);
        } catch (ConfigException e) {
            throw CliException.failed(prefix + e.getMessage());
        }
    }

    /**
     * Replaces the file (a new one: 0640, for the daemon's group), then reads it back: a command
     * never reports a change that is not in the file it leaves behind.
     */
    private static void write(Path file, String text) throws CliException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        try {
            AtomicFiles.write(
                    file,
                    bytes,
                    java.nio.file.attribute.PosixFilePermissions.fromString("rw-r-----"));
            if (!Arrays.equals(Files.readAllBytes(file), bytes)) {
                throw CliException.failed(
                        file
                                + " does not hold what was written (something outside latchkey"
                                + " changed it meanwhile): check it and try again");
            }
        } catch (IOException e) {
            throw CliException.failed(file + ": cannot write: " + IoProblems.describe(e));
        }
    }
}
