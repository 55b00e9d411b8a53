package org.latchkey.bench;

import org.latchkey.config.ConfigToml;
import org.latchkey.identity.DoorKeys;
import org.latchkey.store.AtomicFiles;
import org.latchkey.token.AccessClaims;
import org.latchkey.token.AccessTokens;
import org.latchkey.token.Role;
import org.latchkey.token.SigningKey;
import org.latchkey.token.Use;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Optional;

/**
 * A fresh device's keys and config: an owner, a delivery company trusted for once-only deliveries
 * of up to 4 h, Mon–Sat 08:00–20:00, and a stranger nobody trusts. The bench's clock starts on a
 * Wednesday at 10:00.
 */
final class BenchKeys {
    static final Instant WEDNESDAY_10AM = Instant.parse("2026-11-25T10:00:00Z");
    static final Instant SUNDAY_10AM = Instant.parse("2026-11-29T10:00:00Z");
    static final String LOCK = "front-door";

    final SigningKey owner;
    final SigningKey courier;
    final SigningKey stranger;

    /** This door's own key (its id is what tokens are addressed to), and another door's. */
    final SigningKey door;

    final SigningKey otherDoor;
    private int counter;

    BenchKeys(SecureRandom random) {
        owner = SigningKey.generate(random);
        courier = SigningKey.generate(random);
        stranger = SigningKey.generate(random);
        door = SigningKey.generate(random);
        otherDoor = SigningKey.generate(random);
    }

    /** The door id tokens are addressed to. */
    String doorId() {
        return door.publicKey().pid();
    }

    /**
     * Writes the device's latchkey.toml (and the public keys beside it) into {@code dir}, on the
     * simulated driver.
     */
    void writeDevice(Path dir, boolean requireCamera) throws IOException {
        writeDevice(dir, requireCamera, "[hal]\ndriver = \"simulated\"\n");
    }

    /** The same with a {@code [hal]} section of the back-end's own. */
    void writeDevice(Path dir, boolean requireCamera, String halSection) throws IOException {
        Files.createDirectories(dir);
        // The door's identity, as init makes it: the key in the state directory, its public half
        // beside the config.
        Path state =
                AtomicFiles.createDirectories(
                        dir.resolve("state"), PosixFilePermissions.fromString("rwx------"));
        AtomicFiles.write(
                state.resolve(DoorKeys.KEY_FILE),
                (door.paserkForExport() + "\n").getBytes(StandardCharsets.US_ASCII));
        DoorKeys.writePublic(dir.resolve("latchkey.toml"), door.publicKey());
        Files.writeString(dir.resolve("owner.pub"), owner.publicKey().paserk() + "\n");
        Files.writeString(dir.resolve("parcel-co.pub"), courier.publicKey().paserk() + "\n");
        Files.writeString(
                dir.resolve("latchkey.toml"),
                """
                # A bench device: written by `latchkey bench`, thrown away after the run.
                lock_id = "%s"
                timezone = "UTC"
                state_dir = "state"

                [door]
                require_camera = %s

                """
                                .formatted(LOCK, requireCamera)
                        + halSection
                        + "\n"
                        + ConfigToml.issuer(
                                "owner",
                                owner.publicKey().paserk(),
                                EnumSet.of(Role.OWNER),
                                Duration.ofDays(30),
                                Optional.empty(),
                                false)
                        + "\n"
                        + ConfigToml.issuer(
                                "parcel-co",
                                courier.publicKey().paserk(),
                                EnumSet.of(Role.DELIVERY),
                                Duration.ofHours(4),
                                Optional.of("Mon-Sat 08:00-20:00"),
                                true));
    }

    /**
     * A courier's once token for this door, valid from 5 minutes before {@code at} for two hours.
     */
    String courierOnce(Instant at) {
        return token(
                courier,
                doorId(),
                Role.DELIVERY,
                Use.ONCE,
                at.minusSeconds(300),
                at.plus(Duration.ofHours(2)),
                "order");
    }

    /** The owner's window token, valid from 5 minutes before {@code at} until {@code until}. */
    String ownerWindow(Instant at, Instant until) {
        return token(owner, doorId(), Role.OWNER, Use.WINDOW, at.minusSeconds(300), until, "owner");
    }

    String token(
            SigningKey key, String lock, Role role, Use use, Instant nbf, Instant exp, String sub) {
        counter++;
        Instant iat = nbf.isBefore(exp.minusSeconds(1)) ? nbf : exp.minusSeconds(1);
        return AccessTokens.issue(
                key,
                new AccessClaims(
                        "bench",
                        lock,
                        String.format("bench-%s-%06d", sub, counter),
                        iat,
                        nbf,
                        exp,
                        use,
                        role,
                        sub + " " + counter));
    }
}
