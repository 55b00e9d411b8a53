package org.latchkey.store;

import org.latchkey.token.Paserk;
import org.latchkey.token.RejectionReason;
import org.latchkey.token.RevocationList;
import org.latchkey.token.RevocationList.Scope;
import org.latchkey.token.RevocationList.Slot;
import org.latchkey.token.RevocationListVerifier;
import org.latchkey.token.RevocationLists;
import org.latchkey.token.SignedToken;
import org.latchkey.token.TokenRejectedException;
import org.tinylog.Logger;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The installed revocation lists (the owners' own and fleet lists, and each company key's, in
 * {@value #OTHERS_DIR}), kept as the signed texts and verified again on every load, and the highest
 * seq ever installed for each, so that an older list put in place while the door was down is never
 * taken for current.
 *
 * <p>Nothing here stops the door: a stored list whose signer is no longer trusted (the owner key
 * was rotated) stays in force, flagged until a newer list from a current owner key replaces it; a
 * list that no longer verifies at all is copied aside and whatever of it is still legible stays in
 * force.
 */
public final class RevocationStore {
    public static final String FILE = "revocations.paseto";
    public static final String FLEET_FILE = "revocations-fleet.paseto";
    public static final String SEQ_FILE = "revocation-seq";

    /** Where the lists of keys that are not owner keys (companies') are kept, one file each. */
    public static final String OTHERS_DIR = "revocations.d";

    private static final Pattern SEQ_LINE =
            Pattern.compile("(?:key (" + Paserk.PID.pattern() + ") )?(lock|fleet) (\\d{1,16})");
    private static final Pattern OTHER_FILE =
            Pattern.compile("(" + Paserk.PID.pattern() + ")(\\.fleet)?\\.paseto");

    private final Storage storage;
    private final Path dir;
    private final Supplier<RevocationListVerifier> verifier;
    private final Map<Slot, Long> highest = new HashMap<>();
    private final Set<Slot> signerUntrusted = new HashSet<>();
    private final List<Damage> damage = new ArrayList<>();
    private volatile RevocationLists installed = RevocationLists.NONE;

    private RevocationStore(Storage storage, Path dir, Supplier<RevocationListVerifier> verifier) {
        this.storage = storage;
        this.dir = dir;
        this.verifier = verifier;
    }

    /**
     * Loads the stored lists; see the class comment for what happens to one that no longer
     * verifies.
     */
    public static RevocationStore open(
            Storage storage, Path stateDir, Supplier<RevocationListVerifier> verifier) {
        RevocationStore store = new RevocationStore(storage, stateDir, verifier);
        synchronized (store) {
            Map<Slot, Long> before = new HashMap<>(store.readHighest());
            Set<Slot> slots = new HashSet<>(before.keySet());
            slots.add(new Slot(Optional.empty(), Scope.LOCK));
            slots.add(new Slot(Optional.empty(), Scope.FLEET));
            slots.addAll(store.storedOthers());
            for (Slot slot : slots) {
                store.load(slot);
            }
            if (!before.equals(store.highest)) {
                store.saveHighest(); // first start with this version: remember what is installed
                // from now on
            }
        }
        return store;
    }

    /** Where a slot's list is kept, relative to the state directory. */
    static Path file(Path dir, Slot slot) {
        if (slot.signer().isEmpty()) {
            return dir.resolve(slot.scope() == Scope.LOCK ? FILE : FLEET_FILE);
        }
        return dir.resolve(OTHERS_DIR)
                .resolve(
                        slot.signer().get()
                                + (slot.scope() == Scope.FLEET ? ".fleet" : "")
                                + ".paseto");
    }

    private Set<Slot> storedOthers() {
        Set<Slot> out = new HashSet<>();
        Path others = dir.resolve(OTHERS_DIR);
        if (!Files.isDirectory(others)) {
            return out;
        }
        try (Stream<Path> files = Files.list(others)) {
            files.forEach(
                    f -> {
                        Matcher m = OTHER_FILE.matcher(f.getFileName().toString());
                        if (m.matches()) {
                            out.add(
                                    new Slot(
                                            Optional.of(m.group(1)),
                                            m.group(2) == null ? Scope.LOCK : Scope.FLEET));
                        }
                    });
        } catch (IOException e) {
            damage.add(
                    new Damage(
                            others.toString(),
                            "",
                            "cannot be read ("
                                    + e.getMessage()
                                    + "): the companies' lists in it"
                                    + " are not enforced"));
        }
        return out;
    }

    private void saveHighest() {
        try {
            storage.replace(dir.resolve(SEQ_FILE), seqFile().getBytes(StandardCharsets.US_ASCII));
        } catch (IOException e) {
            Logger.warn("{} cannot be written: {}", dir.resolve(SEQ_FILE), e.getMessage());
        }
    }

    private Map<Slot, Long> readHighest() {
        Path file = dir.resolve(SEQ_FILE);
        try {
            for (String line : Files.readAllLines(file, StandardCharsets.ISO_8859_1)) {
                Matcher m = SEQ_LINE.matcher(line.strip());
                if (m.matches()) {
                    highest.put(
                            new Slot(
                                    Optional.ofNullable(m.group(1)),
                                    m.group(2).equals("lock") ? Scope.LOCK : Scope.FLEET),
                            Long.parseLong(m.group(3)));
                } else if (!line.isBlank()) {
                    damage.add(
                            new Damage(
                                    file.toString(),
                                    "",
                                    "a line is not '[key <kid>] lock|fleet <seq>'"));
                }
            }
        } catch (NoSuchFileException e) {
            // no list was ever installed
        } catch (IOException e) {
            damage.add(new Damage(file.toString(), "", "cannot be read (" + e.getMessage() + ")"));
        }
        return highest;
    }

    private String whoseTokens(Slot slot) {
        return slot.signer().isEmpty() ? "only owner tokens" : "that key's tokens are refused";
    }

    private void load(Slot slot) {
        Path file = file(dir, slot);
        String text;
        try {
            text = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1).strip();
        } catch (NoSuchFileException e) {
            if (highest.getOrDefault(slot, 0L) > 0) {
                // Installed once (the seq file says so) and gone: what it revoked is unknown.
                damage.add(
                        new Damage(
                                file.toString(),
                                "",
                                "is missing though list "
                                        + highest.get(slot)
                                        + " was installed: "
                                        + whoseTokens(slot)
                                        + " until a list is installed again"));
                installed = installed.with(unreadable(slot));
            }
            return;
        } catch (IOException e) {
            damage.add(
                    new Damage(
                            file.toString(),
                            "",
                            "cannot be read ("
                                    + e.getMessage()
                                    + "): "
                                    + whoseTokens(slot)
                                    + " until a list is installed again"));
            installed = installed.with(unreadable(slot));
            return;
        }
        RevocationList list;
        try {
            list = verifier.get().verify(SignedToken.document(text), RevocationLists.NONE);
        } catch (TokenRejectedException e) {
            list = legible(file, slot, text, e);
            if (list == null) {
                installed = installed.with(unreadable(slot));
                return;
            }
        }
        if (!list.slot().equals(slot)) {
            damage.add(
                    new Damage(
                            file.toString(),
                            keepAside(file, text),
                            "holds a "
                                    + list.slot().describe()
                                    + ", not the "
                                    + slot.describe()
                                    + ": "
                                    + whoseTokens(slot)
                                    + " until a list is installed again"));
            // Its signer's standing changed (an owner key enrolled, a phone put in the config):
            // what it revoked is not known to be in force, so nothing it might have revoked is.
            installed = installed.with(unreadable(slot));
            return;
        }
        long floor = highest.getOrDefault(slot, 0L);
        if (list.seq() < floor) {
            damage.add(
                    new Damage(
                            file.toString(),
                            keepAside(file, text),
                            "holds list "
                                    + list.seq()
                                    + ", older than list "
                                    + floor
                                    + " this door installed before: "
                                    + whoseTokens(slot)
                                    + " until a list beyond it is installed"));
            // What the newer list revoked is unknown, as with a list that cannot be read.
            installed = installed.with(unreadable(slot));
            return;
        }
        installed = installed.with(list);
        highest.merge(slot, list.seq(), Math::max);
    }

    private RevocationList unreadable(Slot slot) {
        return RevocationList.unreadable(
                slot.signer(), slot.scope(), highest.getOrDefault(slot, 0L));
    }

    /** A stored list that did not verify: what of it can still be enforced. */
    private RevocationList legible(Path file, Slot slot, String text, TokenRejectedException e) {
        RevocationList list;
        try {
            list = verifier.get().readInstalled(text, slot.signer());
        } catch (TokenRejectedException unreadable) {
            damage.add(
                    new Damage(
                            file.toString(),
                            keepAside(file, text),
                            "does not verify ("
                                    + e.getMessage()
                                    + ") and cannot be read: "
                                    + whoseTokens(slot)
                                    + " until a list is installed again"));
            Logger.error("{} does not verify ({}) and cannot be read", file, e.getMessage());
            return null;
        }
        if (e.reason() == RejectionReason.WRONG_LOCK && verifier.get().namesTheLockId(text)) {
            // Installed before the door had its id, signature checked: its revocations hold.
            Logger.warn(
                    "{} names the door by its lock_id (installed before the door had its own id):"
                            + " it stays in force; latchkey revoke --resign signs it again for the"
                            + " door id",
                    file);
        } else if (e.reason() == RejectionReason.UNKNOWN_KEY && slot.signer().isPresent()) {
            // A company's own list, its key no longer trusted: its tokens are UNKNOWN_KEY anyway.
            // Kept and enforced (should the key be trusted again), but no alarm: nobody could
            // ever clear it, since only that key may replace its list.
            Logger.info(
                    "{}: the list of a key no longer trusted; kept in force for its tokens", file);
        } else if (e.reason() == RejectionReason.UNKNOWN_KEY
                || e.reason() == RejectionReason.ROLE_NOT_ALLOWED) {
            signerUntrusted.add(list.slot());
            Logger.warn(
                    "{} was signed by a key that is no longer trusted; it stays in force until a"
                            + " newer list replaces it (latchkey revoke)",
                    file);
        } else {
            damage.add(
                    new Damage(
                            file.toString(),
                            keepAside(file, text),
                            "does not verify ("
                                    + e.getMessage()
                                    + "); what it revokes stays in force"));
            Logger.error(
                    "{} does not verify ({}); what it revokes stays in force",
                    file,
                    e.getMessage());
        }
        return list;
    }

    /**
     * Copies a stored list that is wrong in some way beside itself before anything can overwrite
     * it.
     */
    private String keepAside(Path file, String text) {
        Path aside =
                file.resolveSibling(
                        file.getFileName() + ".damaged-" + Instant.now().getEpochSecond());
        try {
            storage.replace(aside, (text + "\n").getBytes(StandardCharsets.ISO_8859_1));
            return aside.toString();
        } catch (IOException e) {
            return "";
        }
    }

    /** Whether {@code kid} is a trusted owner key, whose lists are the owners'. */
    public boolean ownerKey(String kid) {
        return verifier.get().ownerKey(kid);
    }

    public RevocationLists installed() {
        return installed;
    }

    /** The highest seq this door has installed for the owners' list of a scope. */
    public synchronized long highestSeq(Scope scope) {
        return highestSeq(new Slot(Optional.empty(), scope));
    }

    /** The highest seq this door has installed in a slot: a new list must go beyond it. */
    public synchronized long highestSeq(Slot slot) {
        return Math.max(highest.getOrDefault(slot, 0L), installed.of(slot).seq());
    }

    /** Whether an installed list's signer is no longer trusted (an owner key rotated). */
    public synchronized boolean signerUntrusted() {
        return !signerUntrusted.isEmpty();
    }

    public synchronized List<Damage> damage() {
        return List.copyOf(damage);
    }

    /**
     * Verifies a new list against the installed ones and, only if it passes, stores and installs
     * it.
     */
    public synchronized RevocationList install(SignedToken token)
            throws TokenRejectedException, IOException {
        RevocationLists current = installed;
        RevocationLists floor = current;
        for (Map.Entry<Slot, Long> h : highest.entrySet()) {
            floor = floor.with(floor.of(h.getKey()).atLeast(h.getValue()));
        }
        RevocationList next = verifier.get().verify(token, floor);
        Path file = file(dir, next.slot());
        if (next.signer().isPresent()) {
            AtomicFiles.createDirectories(
                    file.getParent(), PosixFilePermissions.fromString("rwx------"));
        }
        storage.replace(file, (next.signedText() + "\n").getBytes(StandardCharsets.US_ASCII));
        highest.put(next.slot(), next.seq());
        storage.replace(dir.resolve(SEQ_FILE), seqFile().getBytes(StandardCharsets.US_ASCII));
        installed = current.with(next);
        signerUntrusted.remove(next.slot());
        return next;
    }

    private String seqFile() {
        StringBuilder sb = new StringBuilder();
        highest.entrySet().stream()
                .sorted(
                        java.util.Comparator.comparing(
                                (Map.Entry<Slot, Long> e) ->
                                        e.getKey().signer().orElse("") + " " + e.getKey().scope()))
                .forEach(
                        e ->
                                sb.append(e.getKey().signer().map(k -> "key " + k + " ").orElse(""))
                                        .append(
                                                e.getKey().scope() == Scope.LOCK
                                                        ? "lock "
                                                        : "fleet ")
                                        .append(e.getValue())
                                        .append('\n'));
        return sb.toString();
    }
}
