package org.latchkey.store;

import org.latchkey.token.RejectionReason;
import org.latchkey.token.RevocationList;
import org.latchkey.token.RevocationList.Scope;
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
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The installed revocation lists (the door's own and its fleet's), kept as the signed texts and
 * verified again on every load, and the highest seq ever installed for each, so that an older list
 * put in place while the door was down is never taken for current.
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
    private static final Pattern SEQ_LINE = Pattern.compile("(lock|fleet) (\\d{1,16})");

    private final Storage storage;
    private final Path dir;
    private final Supplier<RevocationListVerifier> verifier;
    private final Map<Scope, Long> highest = new EnumMap<>(Scope.class);
    private final Set<Scope> signerUntrusted = EnumSet.noneOf(Scope.class);
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
            Map<Scope, Long> before = new EnumMap<>(store.readHighest());
            for (Scope scope : Scope.values()) {
                store.load(scope);
            }
            if (!before.equals(store.highest)) {
                store.saveHighest(); // first start with this version: remember what is installed
                // from now on
            }
        }
        return store;
    }

    private static String file(Scope scope) {
        return scope == Scope.LOCK ? FILE : FLEET_FILE;
    }

    private void saveHighest() {
        try {
            storage.replace(dir.resolve(SEQ_FILE), seqFile().getBytes(StandardCharsets.US_ASCII));
        } catch (IOException e) {
            Logger.warn("{} cannot be written: {}", dir.resolve(SEQ_FILE), e.getMessage());
        }
    }

    private Map<Scope, Long> readHighest() {
        Path file = dir.resolve(SEQ_FILE);
        try {
            for (String line : Files.readAllLines(file, StandardCharsets.ISO_8859_1)) {
                Matcher m = SEQ_LINE.matcher(line.strip());
                if (m.matches()) {
                    highest.put(
                            m.group(1).equals("lock") ? Scope.LOCK : Scope.FLEET,
                            Long.parseLong(m.group(2)));
                } else if (!line.isBlank()) {
                    damage.add(new Damage(file.toString(), "", "a line is not 'lock|fleet <seq>'"));
                }
            }
        } catch (NoSuchFileException e) {
            // no list was ever installed
        } catch (IOException e) {
            damage.add(new Damage(file.toString(), "", "cannot be read (" + e.getMessage() + ")"));
        }
        return highest;
    }

    private void load(Scope scope) {
        Path file = dir.resolve(file(scope));
        String text;
        try {
            text = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1).strip();
        } catch (NoSuchFileException e) {
            if (highest.getOrDefault(scope, 0L) > 0) {
                // Installed once (the seq file says so) and gone: what it revoked is unknown.
                damage.add(
                        new Damage(
                                file.toString(),
                                "",
                                "is missing though list "
                                        + highest.get(scope)
                                        + " was installed: only owner tokens until a list is"
                                        + " installed again"));
                installed = installed.with(RevocationList.unreadable(scope, highest.get(scope)));
            }
            return;
        } catch (IOException e) {
            damage.add(
                    new Damage(
                            file.toString(),
                            "",
                            "cannot be read ("
                                    + e.getMessage()
                                    + "): only owner tokens until a list is installed again"));
            installed =
                    installed.with(
                            RevocationList.unreadable(scope, highest.getOrDefault(scope, 0L)));
            return;
        }
        RevocationList list;
        try {
            list = verifier.get().verify(SignedToken.document(text), RevocationLists.NONE);
        } catch (TokenRejectedException e) {
            list = legible(file, text, e);
            if (list == null) {
                installed =
                        installed.with(
                                RevocationList.unreadable(scope, highest.getOrDefault(scope, 0L)));
                return;
            }
        }
        if (list.scope() != scope) {
            damage.add(
                    new Damage(
                            file.toString(),
                            keepAside(file, text),
                            "holds a " + list.scope() + " list"));
            return;
        }
        long floor = highest.getOrDefault(scope, 0L);
        if (list.seq() < floor) {
            damage.add(
                    new Damage(
                            file.toString(),
                            keepAside(file, text),
                            "holds list "
                                    + list.seq()
                                    + ", older than list "
                                    + floor
                                    + " this door installed before: only owner tokens until a list"
                                    + " beyond it is installed (latchkey revoke)"));
            // What the newer list revoked is unknown, as with a list that cannot be read.
            installed = installed.with(RevocationList.unreadable(scope, floor));
            return;
        }
        installed = installed.with(list);
        highest.merge(scope, list.seq(), Math::max);
    }

    /** A stored list that did not verify: what of it can still be enforced. */
    private RevocationList legible(Path file, String text, TokenRejectedException e) {
        RevocationList list;
        try {
            list = verifier.get().readInstalled(text);
        } catch (TokenRejectedException unreadable) {
            damage.add(
                    new Damage(
                            file.toString(),
                            keepAside(file, text),
                            "does not verify ("
                                    + e.getMessage()
                                    + ") and cannot be read: only owner tokens until a list is"
                                    + " installed again"));
            Logger.error("{} does not verify ({}) and cannot be read", file, e.getMessage());
            return null;
        }
        if (e.reason() == RejectionReason.UNKNOWN_KEY
                || e.reason() == RejectionReason.ROLE_NOT_ALLOWED) {
            signerUntrusted.add(list.scope());
            Logger.warn(
                    "{} was signed by a key that is no longer a trusted owner key; it stays in"
                        + " force until a newer list from a current owner key replaces it (latchkey"
                        + " revoke)",
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

    public RevocationLists installed() {
        return installed;
    }

    /** The highest seq this door has installed for a scope: a new list must go beyond it. */
    public synchronized long highestSeq(Scope scope) {
        return Math.max(highest.getOrDefault(scope, 0L), installed.of(scope).seq());
    }

    /** Whether an installed list's signer is no longer a trusted owner key. */
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
        RevocationLists floor =
                new RevocationLists(
                        atLeast(current.lock(), highestSeq(Scope.LOCK)),
                        atLeast(current.fleet(), highestSeq(Scope.FLEET)));
        RevocationList next = verifier.get().verify(token, floor);
        storage.replace(
                dir.resolve(file(next.scope())),
                (next.signedText() + "\n").getBytes(StandardCharsets.US_ASCII));
        highest.put(next.scope(), next.seq());
        storage.replace(dir.resolve(SEQ_FILE), seqFile().getBytes(StandardCharsets.US_ASCII));
        installed = current.with(next);
        signerUntrusted.remove(next.scope());
        return next;
    }

    private static RevocationList atLeast(RevocationList list, long seq) {
        return list.seq() >= seq
                ? list
                : new RevocationList(
                        list.scope(),
                        seq,
                        list.issuedAt(),
                        list.tokenIds(),
                        list.keyIds(),
                        list.signedText(),
                        list.unreadable());
    }

    private String seqFile() {
        StringBuilder sb = new StringBuilder();
        highest.forEach(
                (scope, seq) ->
                        sb.append(scope == Scope.LOCK ? "lock " : "fleet ")
                                .append(seq)
                                .append('\n'));
        return sb.toString();
    }
}
