package org.latchkey.identity;

import org.latchkey.store.AtomicFiles;
import org.latchkey.store.Damage;
import org.latchkey.token.PublicKey;
import org.latchkey.token.SigningKey;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Optional;
import java.util.Set;

/**
 * The door key: an Ed25519 key pair of the door's own. Its private half ({@value #KEY_FILE}, a
 * PASERK {@code k4.secret.…}) lives in the state directory, mode 0600, and signs only what the door
 * says about itself — its card, its visit receipts, its audit checkpoints — never access. Its
 * public half ({@value #PUBLIC_FILE}, {@code k4.public.…}) is written beside the config, where the
 * command line reads it; its PASERK id is the door id, which tokens and documents are addressed to.
 */
public final class DoorKeys {
    /** In the state directory. */
    public static final String KEY_FILE = "door.key";

    /** Beside the config. */
    public static final String PUBLIC_FILE = "door.pub";

    /** Beside the config: the owner's endorsement of the door key, which the card carries. */
    public static final String ENDORSEMENT_FILE = "door.endorsement";

    private static final int MAX_BYTES = 4096;

    private DoorKeys() {}

    /** {@value #PUBLIC_FILE} beside {@code config}, where it lives. */
    public static Path publicFile(Path config) {
        return config.toAbsolutePath().resolveSibling(PUBLIC_FILE);
    }

    /**
     * The door's public key, read from beside the config; empty when there is none yet.
     *
     * @throws IOException when the file is there but unreadable or not a {@code k4.public} key
     */
    public static Optional<PublicKey> readPublic(Path config) throws IOException {
        Path file = publicFile(config);
        String text;
        try {
            text = read(file);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
        try {
            return Optional.of(PublicKey.fromPaserk(text));
        } catch (IllegalArgumentException e) {
            throw new IOException(file + ": not a k4.public key (" + e.getMessage() + ")");
        }
    }

    /**
     * The door's private key from the state directory; empty when there is none.
     *
     * @throws IOException when the file is there but unreadable or not a {@code k4.secret} key
     */
    public static Optional<SigningKey> readKey(Path stateDir) throws IOException {
        Path file = stateDir.resolve(KEY_FILE);
        String text;
        try {
            text = read(file);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
        try {
            return Optional.of(SigningKey.fromPaserk(text));
        } catch (IllegalArgumentException e) {
            throw new IOException(file + ": not a door key (k4.secret): " + e.getMessage());
        }
    }

    private static String read(Path file) throws IOException {
        // A small regular file, never through a link and never a pipe that would hang the reader:
        // root's `door key` reads the daemon's folder, which the daemon's user controls.
        var attributes =
                Files.readAttributes(
                        file,
                        java.nio.file.attribute.BasicFileAttributes.class,
                        java.nio.file.LinkOption.NOFOLLOW_LINKS);
        if (!attributes.isRegularFile()) {
            throw new IOException(file + ": not a regular file");
        }
        if (attributes.size() > MAX_BYTES) {
            throw new IOException(file + ": larger than " + MAX_BYTES + " bytes");
        }
        try (var ch =
                java.nio.channels.FileChannel.open(
                        file, StandardOpenOption.READ, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocate(MAX_BYTES + 1);
            while (buf.hasRemaining() && ch.read(buf) > 0) {
                // read what there is, at most one byte past the limit
            }
            if (buf.position() > MAX_BYTES) {
                throw new IOException(file + ": larger than " + MAX_BYTES + " bytes");
            }
            return new String(buf.array(), 0, buf.position(), StandardCharsets.US_ASCII).strip();
        }
    }

    /**
     * Makes a new door key in the state directory (never over an existing one), mode 0600, forced
     * to disk.
     */
    public static SigningKey create(Path stateDir, SecureRandom random) throws IOException {
        SigningKey key = SigningKey.generate(random);
        Path file = stateDir.resolve(KEY_FILE);
        byte[] text = (key.paserkForExport() + "\n").getBytes(StandardCharsets.US_ASCII);
        try (var ch =
                java.nio.channels.FileChannel.open(
                        file,
                        Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                        PosixFilePermissions.asFileAttribute(AtomicFiles.OWNER_ONLY))) {
            ch.write(java.nio.ByteBuffer.wrap(text));
            ch.force(true);
        } finally {
            java.util.Arrays.fill(text, (byte) 0);
        }
        AtomicFiles.syncDirectory(stateDir);
        return key;
    }

    /** The owner's endorsement beside the config, if there is one. */
    public static Optional<String> readEndorsement(Path config) throws IOException {
        try {
            return Optional.of(read(config.toAbsolutePath().resolveSibling(ENDORSEMENT_FILE)));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    public static void writeEndorsement(Path config, String endorsement) throws IOException {
        AtomicFiles.write(
                config.toAbsolutePath().resolveSibling(ENDORSEMENT_FILE),
                (endorsement + "\n").getBytes(StandardCharsets.US_ASCII),
                PosixFilePermissions.fromString("rw-r--r--"));
    }

    /** Writes the public half beside the config (readable by all: it is public). */
    public static void writePublic(Path config, PublicKey key) throws IOException {
        AtomicFiles.write(
                publicFile(config),
                (key.paserk() + "\n").getBytes(StandardCharsets.US_ASCII),
                PosixFilePermissions.fromString("rw-r--r--"));
    }

    /**
     * Who this door's tokens and documents are addressed to, for a command working on its config:
     * the door id from beside the config (else from the state directory's key, when it can be
     * read), with the lock id for hints.
     */
    public static org.latchkey.token.Audience audience(org.latchkey.config.DeviceConfig config) {
        Optional<String> id;
        try {
            id = readPublic(config.source()).map(PublicKey::pid);
            if (id.isEmpty()) {
                id = readKey(config.stateDir()).map(k -> k.publicKey().pid());
            }
        } catch (IOException e) {
            id = Optional.empty();
        }
        return new org.latchkey.token.Audience(id, config.lockId());
    }

    /** What the door knows of its identity at start, and what is wrong with it. */
    public record Identity(
            Optional<PublicKey> publicKey, Optional<SigningKey> key, Optional<Damage> damage) {
        /** The door id ({@code k4.pid.…}), when the door has one. */
        public Optional<String> doorId() {
            return publicKey.map(PublicKey::pid);
        }
    }

    /**
     * The door's identity at start: its key from the state directory, checked against the public
     * half beside the config. A state directory with a door's history and no key is damage, never a
     * silent new identity; an empty one gets its key now (a door's first start).
     *
     * @param history whether a door ran here before (a one-time store, an audit log)
     */
    public static Identity open(Path config, Path stateDir, boolean history, SecureRandom random) {
        Optional<PublicKey> expected;
        try {
            expected = readPublic(config);
        } catch (IOException e) {
            return new Identity(
                    Optional.empty(),
                    Optional.empty(),
                    Optional.of(new Damage(publicFile(config).toString(), "", e.getMessage())));
        }
        Optional<SigningKey> key;
        try {
            key = readKey(stateDir);
        } catch (IOException e) {
            return new Identity(
                    expected,
                    Optional.empty(),
                    Optional.of(
                            new Damage(
                                    stateDir.resolve(KEY_FILE).toString(),
                                    "",
                                    e.getMessage()
                                            + ": cards, receipts and checkpoints are not signed")));
        }
        if (key.isPresent()) {
            PublicKey own = key.get().publicKey();
            if (expected.isPresent() && !expected.get().equals(own)) {
                return new Identity(
                        expected,
                        Optional.empty(),
                        Optional.of(
                                new Damage(
                                        stateDir.resolve(KEY_FILE).toString(),
                                        "",
                                        "holds the key of another door ("
                                                + own.pid()
                                                + ") than "
                                                + publicFile(config)
                                                + " names ("
                                                + expected.get().pid()
                                                + "): tokens are addressed to the latter; cards,"
                                                + " receipts and checkpoints are not signed")));
            }
            return new Identity(Optional.of(own), key, Optional.empty());
        }
        if (expected.isPresent() || history) {
            String why =
                    expected.isPresent()
                            ? "is missing, though "
                                    + publicFile(config)
                                    + " names this door "
                                    + expected.get().pid()
                                    + ": tokens are still checked against that id; cards,"
                                    + " receipts and checkpoints are not signed"
                            : "is missing beside a door's history: this door has no identity"
                                    + " (latchkey door key gives it one; tokens must then be"
                                    + " issued for its door id)";
            return new Identity(
                    expected,
                    Optional.empty(),
                    Optional.of(new Damage(stateDir.resolve(KEY_FILE).toString(), "", why)));
        }
        try {
            SigningKey made = create(stateDir, random);
            return new Identity(Optional.of(made.publicKey()), Optional.of(made), Optional.empty());
        } catch (IOException e) {
            return new Identity(
                    Optional.empty(),
                    Optional.empty(),
                    Optional.of(
                            new Damage(
                                    stateDir.resolve(KEY_FILE).toString(),
                                    "",
                                    "cannot be made: " + e.getMessage())));
        }
    }
}
