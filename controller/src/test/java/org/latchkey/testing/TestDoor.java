package org.latchkey.testing;

import org.latchkey.config.ConfigToml;
import org.latchkey.token.AccessClaims;
import org.latchkey.token.AccessTokens;
import org.latchkey.token.Role;
import org.latchkey.token.SigningKey;
import org.latchkey.token.Use;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The door most tests use: "front-door", trusting an owner key and a delivery company's
 * ("parcel-co", delivery only, windows up to 4h), with a builder for the config file and tokens for
 * it. Shared with the provisioning tests and the benchmarks through the controller's test jar.
 */
public final class TestDoor {
    public static final String LOCK = "front-door";
    public static final SigningKey OWNER = SigningKey.fromSeed(seed(21));
    public static final SigningKey COURIER = SigningKey.fromSeed(seed(22));

    /** The door's own key: its id is what tokens for this door are addressed to. */
    public static final SigningKey DOOR = SigningKey.fromSeed(seed(23));

    public static final String DOOR_ID = DOOR.publicKey().pid();

    /** Another door's id: a door of the same lock_id elsewhere. */
    public static final SigningKey OTHER_DOOR = SigningKey.fromSeed(seed(24));

    public static final String OTHER_DOOR_ID = OTHER_DOOR.publicKey().pid();

    private static final AtomicInteger COUNTER = new AtomicInteger();

    private TestDoor() {}

    private static byte[] seed(int n) {
        byte[] s = new byte[32];
        s[0] = (byte) n;
        s[5] = 7;
        return s;
    }

    public static Config config() {
        return new Config();
    }

    /** A latchkey.toml under construction: top-level keys, then tables, then the two issuers. */
    public static final class Config {
        private final List<String> top = new ArrayList<>(List.of("lock_id = \"" + LOCK + "\""));
        private final List<String> tables = new ArrayList<>();
        private final List<String> courierExtra = new ArrayList<>();
        private String ownerKey = OWNER.publicKey().paserk();
        private String courierKey = COURIER.publicKey().paserk();
        private SigningKey doorKey = DOOR;

        private Config() {}

        /** A top-level line, e.g. {@code state_dir = "state"}. */
        public Config set(String line) {
            top.add(line);
            return this;
        }

        /** A table with its keys, e.g. {@code [door]\nunlock_wait = "5s"}. */
        public Config table(String toml) {
            tables.add(toml.strip());
            return this;
        }

        /** Extra keys for the courier's issuer, e.g. {@code once_only = true}. */
        public Config courier(String line) {
            courierExtra.add(line);
            return this;
        }

        /** Another door key (another door, of the same name and trusting the same keys). */
        public Config doorKey(SigningKey key) {
            doorKey = key;
            return this;
        }

        /** Other public keys (PASERK k4.public) for the owner and the courier. */
        public Config keys(String owner, String courier) {
            ownerKey = owner;
            courierKey = courier;
            return this;
        }

        public String toml() {
            StringBuilder sb = new StringBuilder();
            top.forEach(l -> sb.append(l).append('\n'));
            tables.forEach(t -> sb.append('\n').append(t).append('\n'));
            sb.append('\n')
                    .append(
                            ConfigToml.issuer(
                                    "owner",
                                    ownerKey,
                                    EnumSet.of(Role.OWNER),
                                    Duration.ofDays(30),
                                    Optional.empty(),
                                    false));
            sb.append('\n')
                    .append(
                            ConfigToml.issuer(
                                    "parcel-co",
                                    courierKey,
                                    EnumSet.of(Role.DELIVERY),
                                    Duration.ofHours(4),
                                    Optional.empty(),
                                    false));
            courierExtra.forEach(l -> sb.append(l).append('\n'));
            return sb.toString();
        }

        /**
         * Writes {@code dir/latchkey.toml} and returns its path, with the door's identity as init
         * makes it: {@code door.pub} beside the config and, for a state directory of {@code
         * "state"} (or {@code dir} itself), the door key in it.
         */
        public Path write(Path dir) throws IOException {
            Path file = dir.resolve("latchkey.toml");
            Files.writeString(file, toml());
            org.latchkey.identity.DoorKeys.writePublic(file, doorKey.publicKey());
            if (top.contains("state_dir = \"state\"")) {
                Path state =
                        org.latchkey.store.AtomicFiles.createDirectories(
                                dir.resolve("state"),
                                java.nio.file.attribute.PosixFilePermissions.fromString(
                                        "rwx------"));
                org.latchkey.store.AtomicFiles.write(
                        state.resolve(org.latchkey.identity.DoorKeys.KEY_FILE),
                        (doorKey.paserkForExport() + "\n")
                                .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            }
            return file;
        }
    }

    /**
     * A token for the test door, valid from five seconds before {@code now} for an hour, with a
     * fresh jti.
     */
    public static String token(SigningKey key, Role role, Use use, Instant now) {
        return token(key, role, use, now, Duration.ofHours(1));
    }

    /**
     * A token valid from five seconds before {@code now} for {@code validFor}, with a fresh jti.
     */
    public static String token(SigningKey key, Role role, Use use, Instant now, Duration validFor) {
        int n = COUNTER.incrementAndGet();
        return AccessTokens.issue(
                key,
                new AccessClaims(
                        key == OWNER ? "owner" : "parcel-co",
                        DOOR_ID,
                        String.format("test-%s-%06d", Long.toHexString(now.toEpochMilli()), n),
                        now.minusSeconds(5),
                        now.minusSeconds(5),
                        now.plus(validFor),
                        use,
                        role,
                        "subject " + n));
    }

    /** A courier's once token issued now, with a fresh jti. */
    public static String courierOnce() {
        return token(COURIER, Role.DELIVERY, Use.ONCE, Instant.now());
    }
}
