package org.latchkey.store;

import org.tinylog.Logger;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32C;

/**
 * The consumed {@code once} tokens, one record per line in {@code once.log}, appended and fsync'ed
 * before the bolt moves, so a token can never open twice, across restarts and power cuts.
 *
 * <p>A record is {@code once <kid> <jti> <exp> <crc32c>}: self-delimiting and checked, so that one
 * damaged record cannot take another with it. A failed append is cut back to the last good length
 * before anything else is written. Loading keeps every well-formed record, in this format or the
 * first release's {@code <kid> <jti> <exp>}; a torn last record (a crash mid-append, before the
 * bolt could move) is dropped; anything else that cannot be read is kept aside in {@code
 * once.log.damaged-<time>}, never deleted, and reported, and any token ids still legible in it stay
 * consumed. A record is dropped only by {@link #compact}, when its {@code exp + skew} lies behind a
 * time floor that a trusted clock has reached.
 */
public final class OneTimeStore {
    public enum Result {
        CONSUMED,
        ALREADY_USED
    }

    public static final String FILE = "once.log";

    private static final String KID = "(k4\\.pid\\.[A-Za-z0-9_-]{44})";
    private static final String JTI = "([A-Za-z0-9_-]{16,64})";
    private static final Pattern RECORD =
            Pattern.compile("once " + KID + " " + JTI + " (-?\\d{1,19}) ([0-9a-f]{8})$");

    /**
     * How far compaction went: {@code horizon <seconds> <crc32c>}, the first line once anything was
     * dropped. Every dropped record's {@code exp + skew} lies at or before it.
     */
    private static final Pattern HORIZON = Pattern.compile("horizon (\\d{1,12}) ([0-9a-f]{8})");

    /**
     * Records are kept this long past the floor before compaction drops them: a clock that was
     * briefly wrong (hours, a day) then costs nothing once it is put right.
     */
    public static final Duration COMPACTION_LAG = Duration.ofDays(1);

    /** A token's ids anywhere in a damaged line: they stay consumed, whatever else is lost. */
    private static final Pattern IDS = Pattern.compile(KID + " " + JTI);

    /** The first release's records: no marker, no checksum. */
    private static final Pattern FIRST_RELEASE =
            Pattern.compile(KID + " " + JTI + " (-?\\d{1,19})$");

    private final Storage storage;
    private final Path file;
    private final Map<String, Instant> used = new LinkedHashMap<>();
    private final List<Damage> damage = new ArrayList<>();

    /** A once token whose exp + skew lies at or before this may have lost its record. */
    private Instant horizon = Instant.EPOCH;

    /**
     * Set when the file cannot be read at all: every once token is refused rather than risk a
     * second use.
     */
    private Optional<String> unreadable = Optional.empty();

    /**
     * The file's length up to its last whole record: anything beyond is a failed append's fragment.
     */
    private long goodLength;

    private OneTimeStore(Storage storage, Path file) {
        this.storage = storage;
        this.file = file;
    }

    /**
     * Loads the store (see the class comment); a store that cannot be read at all refuses every
     * once token.
     */
    public static OneTimeStore open(Storage storage, Path stateDir) {
        OneTimeStore store = new OneTimeStore(storage, stateDir.resolve(FILE));
        try {
            store.load(Files.readAllBytes(store.file));
        } catch (NoSuchFileException e) {
            store.goodLength = 0;
        } catch (IOException e) {
            String why =
                    store.file
                            + " cannot be read ("
                            + e.getMessage()
                            + "): once tokens are refused until it can";
            store.unreadable = Optional.of(why);
            store.damage.add(new Damage(store.file.toString(), "", why));
            Logger.error(why);
        }
        return store;
    }

    private void load(byte[] bytes) {
        String text =
                new String(
                        bytes,
                        StandardCharsets
                                .ISO_8859_1); // every byte one char: nothing fails to decode
        int end = text.lastIndexOf('\n') + 1;
        StringBuilder unreadableLines = new StringBuilder();
        boolean rewrite = false;
        for (String line : text.substring(0, end).split("\n", -1)) {
            if (line.isEmpty()) {
                continue;
            }
            Matcher h = HORIZON.matcher(line);
            if (h.matches() && crc("horizon " + h.group(1)).equals(h.group(2))) {
                horizon = latest(horizon, Instant.ofEpochSecond(Long.parseLong(h.group(1))));
                continue;
            }
            Matcher v2 = RECORD.matcher(line);
            Matcher v1 = FIRST_RELEASE.matcher(line);
            if (v2.find() && checks(v2)) {
                add(v2.group(1), v2.group(2), v2.group(3));
                rewrite |= v2.start() > 0;
                keepUnreadable(unreadableLines, line.substring(0, v2.start()));
            } else if (v1.find()) {
                add(v1.group(1), v1.group(2), v1.group(3));
                rewrite = true; // upgraded to checked records
                keepUnreadable(unreadableLines, line.substring(0, v1.start()));
            } else {
                salvageIds(line);
                keepUnreadable(unreadableLines, line);
            }
        }
        String tail = text.substring(end);
        if (!tail.isEmpty()) {
            Matcher whole = RECORD.matcher(tail);
            if (whole.matches() && checks(whole)) {
                add(
                        whole.group(1),
                        whole.group(2),
                        whole.group(3)); // complete but for its line end
            } else {
                Logger.warn(
                        "{}: dropped a torn last record ({} bytes) left by a crash mid-write",
                        file,
                        tail.length());
            }
            rewrite = true;
        }
        goodLength = end;
        if (!unreadableLines.isEmpty()) {
            rewrite &= keepAside(unreadableLines.toString());
        }
        if (rewrite) {
            try {
                writeAll();
            } catch (IOException e) {
                Logger.warn(
                        "{} could not be rewritten ({}); its records stay in force from memory",
                        file,
                        e.getMessage());
            }
        }
    }

    /**
     * Fail secure: a token named in a damaged line stays consumed (and never expires from the
     * store).
     */
    private void salvageIds(String line) {
        Matcher m = IDS.matcher(line);
        while (m.find()) {
            used.putIfAbsent(key(m.group(1), m.group(2)), Instant.MAX);
        }
    }

    private static void keepUnreadable(StringBuilder sink, String fragment) {
        if (!fragment.isEmpty()) {
            sink.append(fragment).append('\n');
        }
    }

    /**
     * Copies what could not be read to a file of its own; only then may once.log be rewritten
     * without it.
     */
    private boolean keepAside(String unreadableText) {
        Path aside = file.resolveSibling(FILE + ".damaged-" + Instant.now().getEpochSecond());
        for (int i = 1; Files.exists(aside); i++) {
            aside =
                    file.resolveSibling(
                            FILE + ".damaged-" + Instant.now().getEpochSecond() + "-" + i);
        }
        int lines = (int) unreadableText.chars().filter(c -> c == '\n').count();
        String problem = lines + " unreadable line(s) among the records";
        try {
            storage.replace(aside, unreadableText.getBytes(StandardCharsets.ISO_8859_1));
            damage.add(new Damage(file.toString(), aside.toString(), problem));
            Logger.error("{}: {}; kept aside in {}", file, problem, aside);
            return true;
        } catch (IOException e) {
            damage.add(
                    new Damage(
                            file.toString(),
                            "",
                            problem + "; left in place (" + e.getMessage() + ")"));
            Logger.error(
                    "{}: {}; could not copy them aside ({}), so the file is left as it is",
                    file,
                    problem,
                    e.getMessage());
            return false;
        }
    }

    private void add(String kid, String jti, String exp) {
        // A token recorded twice (its expiry corrected, see extend) counts until the later one.
        used.merge(key(kid, jti), epochSecond(exp), OneTimeStore::latest);
    }

    private static Instant epochSecond(String digits) {
        try {
            long s = Long.parseLong(digits);
            return s > Instant.MAX.getEpochSecond()
                    ? Instant.MAX
                    : s < Instant.MIN.getEpochSecond() ? Instant.MIN : Instant.ofEpochSecond(s);
        } catch (NumberFormatException e) {
            return Instant.MAX; // more digits than a long: kept, and never expires
        }
    }

    private static boolean checks(Matcher m) {
        return crc(m.group(1), m.group(2), m.group(3)).equals(m.group(4));
    }

    private static String crc(String kid, String jti, String exp) {
        return crc("once " + kid + " " + jti + " " + exp);
    }

    private static String crc(String text) {
        CRC32C c = new CRC32C();
        c.update(text.getBytes(StandardCharsets.US_ASCII));
        return HexFormat.of().toHexDigits((int) c.getValue());
    }

    private static Instant latest(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }

    /** One record as once.log holds it (its line end included). */
    public static String record(String kid, String jti, Instant exp) {
        String e = Long.toString(exp.getEpochSecond());
        return "once " + kid + " " + jti + " " + e + " " + crc(kid, jti, e) + "\n";
    }

    /** What could not be read when the store was loaded: for an alarm and the audit log. */
    public synchronized List<Damage> damage() {
        return List.copyOf(damage);
    }

    public synchronized boolean isUsed(String kid, String jti) {
        return used.containsKey(key(kid, jti));
    }

    /**
     * Records the token as used and forces it to disk. Only after this returns {@link
     * Result#CONSUMED} may the bolt move.
     *
     * @throws IOException when the store cannot be written (full, read-only): the token must be
     *     refused
     */
    public synchronized Result consume(String kid, String jti, Instant exp) throws IOException {
        if (unreadable.isPresent()) {
            throw new IOException(unreadable.get());
        }
        if (used.containsKey(key(kid, jti))) {
            return Result.ALREADY_USED;
        }
        byte[] line = record(kid, jti, exp).getBytes(StandardCharsets.US_ASCII);
        try (Storage.Appender out = storage.append(file)) {
            long size = out.size();
            if (size > goodLength) {
                out.truncate(
                        goodLength); // a failed append's fragment: never let a record start behind
                // it
            } else if (size < goodLength) {
                goodLength = size; // shortened from outside: carry on from what is there
            }
            try {
                out.write(line);
                out.force();
            } catch (IOException e) {
                cutBack(out);
                throw e;
            }
        }
        goodLength += line.length;
        used.put(key(kid, jti), exp);
        return Result.CONSUMED;
    }

    /** When the store counts this token as used until; empty when it does not hold it. */
    public synchronized Optional<Instant> usedUntil(String kid, String jti) {
        return Optional.ofNullable(used.get(key(kid, jti)));
    }

    /**
     * Counts a used token as used until {@code exp} at least (the audit log remembers a later
     * expiry than the store holds: the store was edited): appended and forced to disk.
     */
    public synchronized void extend(String kid, String jti, Instant exp) throws IOException {
        Instant now = used.get(key(kid, jti));
        if (now == null || !now.isBefore(exp)) {
            return;
        }
        used.remove(key(kid, jti));
        try {
            consume(kid, jti, exp);
        } catch (IOException e) {
            used.put(key(kid, jti), exp); // held in memory while the door runs
            throw e;
        }
    }

    /**
     * A used token the store cannot write now: refused from memory for as long as the door runs
     * (the audit log still remembers it at the next start).
     */
    public synchronized void holdInMemory(String kid, String jti, Instant exp) {
        used.putIfAbsent(key(kid, jti), exp);
    }

    private void cutBack(Storage.Appender out) {
        try {
            out.truncate(goodLength);
        } catch (IOException again) {
            Logger.warn(
                    "{}: could not cut back a failed append ({}); the next append does",
                    file,
                    again.getMessage());
        }
    }

    /**
     * Drops the records whose {@code exp + skew} lies more than {@link #COMPACTION_LAG} before
     * {@code floor}: such tokens can no longer verify. The horizon moves up to the latest {@code
     * exp + skew} dropped, and is kept in the file. Call it only with a floor a trusted clock has
     * reached.
     *
     * @return how many records were dropped
     */
    public synchronized int compact(Instant floor, Duration skew) throws IOException {
        if (unreadable.isPresent()) {
            return 0;
        }
        Instant cutoff = floor.minus(COMPACTION_LAG);
        Map<String, Instant> kept = new LinkedHashMap<>();
        Instant reached = horizon;
        for (Map.Entry<String, Instant> e : used.entrySet()) {
            Instant exp = e.getValue();
            if (exp == Instant.MAX || !exp.plus(skew).isBefore(cutoff)) {
                kept.put(e.getKey(), exp);
            } else {
                reached = latest(reached, exp.plus(skew));
            }
        }
        int dropped = used.size() - kept.size();
        if (dropped == 0) {
            return 0;
        }
        Map<String, Instant> before = new LinkedHashMap<>(used);
        Instant horizonBefore = horizon;
        used.clear();
        used.putAll(kept);
        horizon = reached;
        try {
            writeAll();
        } catch (IOException e) {
            used.clear();
            used.putAll(before);
            horizon = horizonBefore;
            throw e;
        }
        return dropped;
    }

    /**
     * How far compaction went (see {@link org.latchkey.token.ClockReading}); the epoch while
     * nothing was dropped.
     */
    public synchronized Instant horizon() {
        return horizon;
    }

    /**
     * The audit log says compaction went this far (the store itself was lost or put back from a
     * backup): the horizon never moves back.
     */
    public synchronized void raiseHorizon(Instant reached) throws IOException {
        if (reached.isAfter(horizon) && unreadable.isEmpty()) {
            horizon =
                    Instant.ofEpochSecond(
                            reached.getEpochSecond() + (reached.getNano() > 0 ? 1 : 0));
            writeAll();
        }
    }

    private void writeAll() throws IOException {
        StringBuilder sb = new StringBuilder();
        if (horizon.isAfter(Instant.EPOCH)) {
            String h = "horizon " + horizon.getEpochSecond();
            sb.append(h).append(' ').append(crc(h)).append('\n');
        }
        used.forEach(
                (k, exp) -> {
                    int space = k.indexOf(' ');
                    sb.append(record(k.substring(0, space), k.substring(space + 1), exp));
                });
        byte[] content = sb.toString().getBytes(StandardCharsets.US_ASCII);
        storage.replace(file, content);
        goodLength = content.length;
    }

    /**
     * Whether the store can be written again after a failure: opens it for appending, cuts back a
     * failed append's fragment, syncs. Writes no record.
     *
     * @throws IOException when it still cannot be written
     */
    public synchronized void probe() throws IOException {
        if (unreadable.isPresent()) {
            throw new IOException(unreadable.get());
        }
        try (Storage.Appender out = storage.append(file)) {
            if (out.size() > goodLength) {
                out.truncate(goodLength);
            }
            out.force();
        }
    }

    public synchronized int size() {
        return used.size();
    }

    private static String key(String kid, String jti) {
        return kid + " " + jti;
    }
}
