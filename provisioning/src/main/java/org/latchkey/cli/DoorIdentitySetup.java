package org.latchkey.cli;

import org.latchkey.config.DeviceConfig;
import org.latchkey.identity.DoorKeys;
import org.latchkey.store.LockFile;
import org.latchkey.store.StateDir;
import org.latchkey.token.DoorCard;
import org.latchkey.token.PublicKey;
import org.latchkey.token.SigningKey;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Optional;

/**
 * Gives a door its identity, as `init` and `door key` do: the door key in the state directory
 * (owned like the state directory, so the daemon's user can read it), its public half beside the
 * config, and the owner's endorsement beside that. Never replaces a door key.
 */
final class DoorIdentitySetup {
    private DoorIdentitySetup() {}

    /**
     * @param door the door key, and whether it was made now
     */
    record Result(PublicKey door, boolean made) {}

    /**
     * Makes sure the door has a key (making one only if there is none, and then only if {@code
     * door.pub} does not name another), writes {@code door.pub} and, given the owner key, the
     * endorsement. Holds the state directory's lock: the daemon must be stopped.
     */
    static Result ensure(
            DeviceConfig device,
            Optional<SigningKey> owner,
            boolean newIdentity,
            Instant now,
            SecureRandom random)
            throws CliException {
        Path state;
        try {
            state = StateDir.open(device.stateDir());
        } catch (IOException e) {
            throw CliException.failed(
                    "the state directory cannot be used: " + IoProblems.describe(e));
        }
        try (LockFile lock = StateDir.lock(state, "latchkey door key", LockFile.WAIT)) {
            Optional<SigningKey> existing = DoorKeys.readKey(state);
            Optional<PublicKey> named = DoorKeys.readPublic(device.source());
            SigningKey key;
            boolean made = false;
            if (existing.isPresent()) {
                key = existing.get();
            } else if (named.isPresent() && !newIdentity) {
                throw CliException.failed(
                        DoorKeys.publicFile(device.source())
                                + " names the door "
                                + named.get().pid()
                                + ", but "
                                + state
                                + " holds no door key: restore it from a backup of the state"
                                + " directory to keep this identity, or give the door a new one"
                                + " with --new (every token and list must then be issued again)");
            } else {
                key = DoorKeys.create(state, random);
                made = true;
            }
            ownLikeTheStateDirectory(state.resolve(DoorKeys.KEY_FILE), state);
            DoorKeys.writePublic(device.source(), key.publicKey());
            if (owner.isPresent()) {
                DoorKeys.writeEndorsement(
                        device.source(),
                        DoorCard.endorse(
                                owner.get(),
                                key.publicKey(),
                                device.lockId(),
                                device.fleetId(),
                                now));
            }
            PublicKey door = key.publicKey();
            key.destroy();
            return new Result(door, made);
        } catch (LockFile.HeldException e) {
            throw CliException.failed(
                    (e.holder().contains("latchkeyd")
                                    ? "latchkeyd is running on "
                                            + state
                                            + ": stop it first (sudo systemctl stop latchkeyd)"
                                    : "another command is changing " + state)
                            + " ("
                            + e.getMessage()
                            + ")");
        } catch (IOException e) {
            throw CliException.failed("the door key: " + IoProblems.describe(e));
        }
    }

    /**
     * The door key belongs to whoever owns the state directory (the daemon's user under the
     * package), else the daemon could not read it; a non-root caller owns both anyway.
     */
    private static void ownLikeTheStateDirectory(Path key, Path state) throws IOException {
        UserPrincipal owner = Files.getOwner(state);
        var view =
                Files.getFileAttributeView(
                        key,
                        java.nio.file.attribute.PosixFileAttributeView.class,
                        java.nio.file.LinkOption.NOFOLLOW_LINKS); // the key itself, never a link
        if (!view.getOwner().equals(owner)) {
            try {
                view.setOwner(owner);
                view.setGroup(
                        Files.readAttributes(
                                        state,
                                        java.nio.file.attribute.PosixFileAttributes.class,
                                        java.nio.file.LinkOption.NOFOLLOW_LINKS)
                                .group());
            } catch (IOException e) {
                throw new IOException(
                        key
                                + " cannot be given to "
                                + owner.getName()
                                + ", who owns "
                                + state
                                + " ("
                                + e.getMessage()
                                + "): run this as root");
            }
        }
    }
}
