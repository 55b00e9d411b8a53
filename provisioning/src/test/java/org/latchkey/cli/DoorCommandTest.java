package org.latchkey.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.latchkey.identity.DoorKeys;
import org.latchkey.token.DoorCard;
import org.latchkey.token.SigningKey;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.Optional;

/**
 * The door's identity as an installer and a company meet it on the command line: init keeps the
 * door key through --force, the card comes as text, QR and PNG, verify-card says whether an owner
 * stands behind a card, and a bare lock name never addresses a door.
 */
class DoorCommandTest {
    @TempDir Path dir;

    final CliRun cli = new CliRun();
    Path config;

    @BeforeEach
    void setUp() {
        ok(init());
        config = dir.resolve("latchkey.toml");
    }

    private CliRun.Result init(String... more) {
        return cli.init(dir, more);
    }

    private static CliRun.Result ok(CliRun.Result r) {
        assertEquals(0, r.code(), r.out() + r.err());
        return r;
    }

    private CliRun.Result card(String... more) {
        String[] base = {
            "door", "card", "--config", config.toString(), "--url", "http://127.0.0.1:9"
        };
        String[] args = java.util.Arrays.copyOf(base, base.length + more.length);
        System.arraycopy(more, 0, args, base.length, more.length);
        return cli.run(args);
    }

    @Test
    void initForce_keepsTheDoorKey_soTheDoorKeepsItsId() throws Exception {
        String id = DoorKeys.readPublic(config).orElseThrow().pid();
        byte[] key = Files.readAllBytes(dir.resolve("state/door.key"));
        ok(init("--force"));
        assertEquals(id, DoorKeys.readPublic(config).orElseThrow().pid());
        assertArrayEquals(key, Files.readAllBytes(dir.resolve("state/door.key")));
        DoorCard.Verified c = DoorCard.verify(ok(card()).out().strip());
        assertEquals(id, c.doorId());
        assertEquals(
                Files.readString(dir.resolve("owner.pub")).strip(),
                c.endorsement().orElseThrow().ownerKey().paserk(),
                "endorsed again by the new owner key");
    }

    @Test
    void theCard_asTextQrAndPng_isTheDoorsOwn_andEndorsed() throws Exception {
        CliRun.Result text = ok(card());
        DoorCard.Verified c = DoorCard.verify(text.out().strip().lines().findFirst().orElseThrow());
        assertEquals(DoorKeys.readPublic(config).orElseThrow().pid(), c.doorId());
        assertTrue(c.endorsement().isPresent());
        assertTrue(text.err().contains("fingerprint"), text.err());

        assertTrue(ok(card("--qr")).out().contains("█"), "a QR code in the terminal");
        Path png = dir.resolve("card.png");
        ok(card("--png", png.toString()));
        byte[] head = java.util.Arrays.copyOf(Files.readAllBytes(png), 8);
        assertArrayEquals(new byte[] {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10}, head);

        Path saved = Files.writeString(dir.resolve("door.card"), text.out());
        ok(cli.run("door", "verify-card", saved.toString()));
    }

    @Test
    void verifyCard_refusesACardNobodyEndorses_andOneEditedByAByte() throws Exception {
        SigningKey device = SigningKey.fromSeed(new byte[32]);
        String madeUp =
                DoorCard.sign(
                        device,
                        "front-door",
                        ZoneId.of("UTC"),
                        Optional.empty(),
                        Optional.empty(),
                        CliRun.NOW);
        CliRun.Result unendorsed = cli.run("door", "verify-card", madeUp);
        assertEquals(ExitCode.REJECTED, unendorsed.code(), unendorsed.out() + unendorsed.err());

        String real = ok(card()).out().strip();
        int i = real.length() / 2;
        String edited =
                real.substring(0, i) + (real.charAt(i) == 'A' ? 'B' : 'A') + real.substring(i + 1);
        assertEquals(ExitCode.REJECTED, cli.run("door", "verify-card", edited).code());
    }

    @Test
    void aBareLockName_neverAddressesADoor_theHintSaysHow() {
        CliRun.Result r =
                cli.run(
                        "token",
                        "issue",
                        "--key",
                        dir.resolve("owner.key").toString(),
                        "--lock",
                        "front-door",
                        "--role",
                        "guest",
                        "--sub",
                        "visitor",
                        "--once",
                        "--for",
                        "1h");
        assertEquals(ExitCode.USAGE, r.code(), r.out() + r.err());
        assertTrue(r.err().contains("not a door id") && r.err().contains("--config FILE"), r.err());
    }

    /**
     * A fleet list goes to every door: one built on this door's fleet state when it is not whole (a
     * seq above the list it holds, which anyone who can write its folder could set) would drop what
     * the fleet revoked before.
     */
    @Test
    void aFleetListIsNotSigned_onAFleetStateThatIsNotWhole() throws Exception {
        Files.writeString(
                config,
                Files.readString(config)
                        .replaceFirst("(?m)^lock_id = ", "fleet_id = \"fleet-7\"\nlock_id = "));
        Files.writeString(dir.resolve("state/revocation-seq"), "fleet 5\n");
        CliRun.Result r =
                cli.run(
                        "revoke",
                        "--fleet",
                        "--config",
                        config.toString(),
                        "--url",
                        "http://127.0.0.1:1",
                        "--kid",
                        SigningKey.fromSeed(new byte[32]).publicKey().pid(),
                        "--out",
                        dir.resolve("fleet.paseto").toString());
        assertEquals(ExitCode.FAILED, r.code(), r.out() + r.err());
        assertTrue(r.err().contains("could drop earlier revocations"), r.err());
        assertTrue(!Files.exists(dir.resolve("fleet.paseto")), "nothing signed");
    }
}
