package org.latchkey.access;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.latchkey.config.DeviceConfigLoader;
import org.latchkey.door.AuditRecord;
import org.latchkey.testing.TestDoor;
import org.latchkey.token.Audience;
import org.latchkey.token.ClockReading;
import org.latchkey.token.RejectionReason;
import org.latchkey.token.RevocationLists;
import org.latchkey.token.Role;
import org.latchkey.token.SigningKey;
import org.latchkey.token.TokenRejectedException;
import org.latchkey.token.Use;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The trusted issuers follow the config file the door started with, and only while it is safe. */
class TrustReloaderTest {
    private static final Instant NOW = Instant.parse("2026-12-07T09:00:00Z");
    private static final SigningKey STRANGER =
            SigningKey.generate(new java.security.SecureRandom());

    @TempDir Path dir;

    private Duration elapsed = Duration.ZERO;
    private final List<AuditRecord> audit = new ArrayList<>();

    private TrustReloader reloader(Path config) throws Exception {
        return new TrustReloader(
                DeviceConfigLoader.load(config),
                new Audience(Optional.of(TestDoor.DOOR_ID), TestDoor.LOCK),
                new org.latchkey.store.EnrolmentStore(
                        org.latchkey.store.Storage.REAL, dir.resolve("state")),
                () -> elapsed,
                audit::add);
    }

    private void verifies(TrustReloader r, SigningKey key) throws Exception {
        r.verifier()
                .verify(
                        TestDoor.token(key, Role.DELIVERY, Use.ONCE, NOW),
                        new ClockReading.Trusted(NOW),
                        RevocationLists.NONE);
    }

    private void refused(TrustReloader r, SigningKey key) {
        TokenRejectedException e =
                assertThrows(TokenRejectedException.class, () -> verifies(r, key));
        assertEquals(RejectionReason.UNKNOWN_KEY, e.reason());
    }

    /** A config trusting the stranger's key for deliveries, as an attacker would write it. */
    private Path strangersConfig(Path folder) throws Exception {
        Files.createDirectories(folder);
        return TestDoor.config()
                .keys(TestDoor.OWNER.publicKey().paserk(), STRANGER.publicKey().paserk())
                .write(folder);
    }

    private void later(Path file) throws Exception {
        elapsed = elapsed.plusSeconds(2);
        Files.setLastModifiedTime(
                file, FileTime.from(Instant.now().plusSeconds(elapsed.toSeconds())));
    }

    @Test
    void aLinkSwappedAfterTheStart_changesNothing() throws Exception {
        // The fourth review: the link /tmp/pub/door swapped for a folder of the attacker's, and
        // within a second "trusted issuers reloaded" and the stranger's token opened the door.
        Path real = dir.resolve("real");
        Files.createDirectories(real);
        TestDoor.config().write(real);
        Path link = Files.createSymbolicLink(dir.resolve("door"), real);
        TrustReloader r = reloader(link.resolve("latchkey.toml"));
        verifies(r, TestDoor.COURIER);

        Path evil = strangersConfig(dir.resolve("evil"));
        Files.delete(link);
        Files.createSymbolicLink(link, evil.getParent());
        later(evil);
        refused(r, STRANGER);
        verifies(r, TestDoor.COURIER);
    }

    @Test
    void theDoorsOwnKey_asAnIssuer_isLeftOut() throws Exception {
        Path config =
                TestDoor.config()
                        .keys(
                                TestDoor.OWNER.publicKey().paserk(),
                                TestDoor.DOOR.publicKey().paserk())
                        .write(dir);
        refused(reloader(config), TestDoor.DOOR);
    }

    @Test
    void aConfigNoLongerSafe_isNotReloaded_theTrustStays() throws Exception {
        Path door = dir.resolve("door");
        Files.createDirectories(door);
        Files.setPosixFilePermissions(door, PosixFilePermissions.fromString("rwx------"));
        Path config = TestDoor.config().write(door);
        TrustReloader r = reloader(config);

        Files.setPosixFilePermissions(config, PosixFilePermissions.fromString("rw-rw-rw-"));
        Files.writeString(
                config, Files.readString(strangersConfig(dir.resolve("evil")))); // anyone wrote it
        later(config);
        refused(r, STRANGER);
        verifies(r, TestDoor.COURIER);
        assertEquals(List.of(), audit, "nothing was reloaded");

        Files.setPosixFilePermissions(config, PosixFilePermissions.fromString("rw-------"));
        later(config);
        verifies(r, STRANGER); // the owner made the file safe again: what it says now holds
    }
}
