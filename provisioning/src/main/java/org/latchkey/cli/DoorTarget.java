package org.latchkey.cli;

import org.latchkey.config.DeviceConfig;
import org.latchkey.identity.DoorKeys;
import org.latchkey.token.DoorCard;
import org.latchkey.token.Paserk;
import org.latchkey.token.TokenRejectedException;

import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Which door a token or a list is for: its config (on the door), its card (what a company or a
 * phone holds), or its door id. A door's name ({@code lock_id}) is not enough: two doors may share
 * it.
 */
final class DoorTarget {
    @Option(
            names = "--config",
            paramLabel = "FILE",
            description = "The door's latchkey.toml (its door id is read from door.pub beside it).")
    Path config;

    @Option(
            names = "--door",
            paramLabel = "CARD",
            description = "The door's card: a file, or the v4.public… text (latchkey door card).")
    String card;

    @Option(
            names = "--lock",
            paramLabel = "DOOR_ID",
            description =
                    "The door's id, k4.pid.… (a lock_id alone is refused: doors share names).")
    String lock;

    /** Where the door was named from, and what is known of it. */
    record Door(String doorId, Optional<DeviceConfig> config, Optional<DoorCard.Verified> card) {}

    boolean given() {
        return config != null || card != null || lock != null;
    }

    /** The door, or a usage error saying how to name it. */
    Door resolve() throws CliException {
        int named = (config != null ? 1 : 0) + (card != null ? 1 : 0) + (lock != null ? 1 : 0);
        if (named != 1) {
            throw CliException.usage(
                    "name the door once: --config FILE (on the door), --door CARD (its door card)"
                            + " or --lock k4.pid.… (its door id)");
        }
        if (lock != null) {
            if (!Paserk.PID.matcher(lock).matches()) {
                throw CliException.usage(
                        "--lock: '"
                                + Terminal.escape(lock)
                                + "' is not a door id (k4.pid.…). Doors are addressed by their own"
                                + " id now, never by a name two doors may share: use --config FILE"
                                + " on the door, --door CARD, or --lock with the id `latchkey door"
                                + " card` shows");
            }
            return new Door(lock, Optional.empty(), Optional.empty());
        }
        if (config != null) {
            DeviceConfig device = DeviceConfigs.load(config);
            Optional<String> id;
            try {
                id = DoorKeys.readPublic(config).map(k -> k.pid());
            } catch (IOException e) {
                throw CliException.failed(IoProblems.describe(e));
            }
            if (id.isEmpty()) {
                throw CliException.failed(
                        "this door has no identity yet (no "
                                + DoorKeys.publicFile(config)
                                + "): run latchkey door key --config "
                                + config
                                + " once");
            }
            return new Door(id.get(), Optional.of(device), Optional.empty());
        }
        DoorCard.Verified verified = readCard(card);
        return new Door(verified.doorId(), Optional.empty(), Optional.of(verified));
    }

    /** A card from a file or as text, checked. */
    static DoorCard.Verified readCard(String fileOrText) throws CliException {
        String text = fileOrText.strip();
        if (!text.startsWith("v4.public.")) {
            try {
                Path p = Path.of(fileOrText);
                if (Files.size(p) > 64 * 1024) {
                    throw CliException.failed(p + ": larger than a door card can be");
                }
                text = Files.readString(p, StandardCharsets.US_ASCII).strip();
            } catch (IOException | java.nio.file.InvalidPathException e) {
                throw CliException.failed(
                        "--door: cannot read the card " + fileOrText + ": " + e.getMessage());
            }
        }
        if (text.startsWith("{")) { // GET /v1/card's answer, or `door card --json`
            try {
                text = org.latchkey.token.Json.read(text).path("card").asText("");
            } catch (IOException e) {
                throw CliException.failed("--door: not a door card (JSON without \"card\")");
            }
        }
        try {
            return DoorCard.verify(text);
        } catch (TokenRejectedException e) {
            throw CliException.failed(
                    "--door: not a door card that checks out: " + e.reason() + ", " + e.detail());
        }
    }
}
