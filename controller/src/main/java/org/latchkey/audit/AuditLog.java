package org.latchkey.audit;

import org.latchkey.door.AuditRecord;
import org.latchkey.door.AuditTrail;
import org.latchkey.store.AtomicFiles;
import org.latchkey.store.Damage;
import org.latchkey.store.Storage;
import org.latchkey.token.Json;
import org.tinylog.Logger;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The tamper-evident audit log: append-only JSON lines in {@code audit/}, each carrying {@code
 * prev}, the SHA-256 of the previous line's bytes, back to a genesis record. Every append is
 * fsync'ed.
 *
 * <p>When {@code audit.log} would grow past {@link Limits#rotateBytes()} it becomes {@code
 * audit-<first seq>.log} and a new file continues the chain; when all files together pass {@link
 * Limits#maxBytes()} the oldest are removed, each after an {@code audit_pruned} record that anchors
 * the chain where it now starts.
 *
 * <p>The log never stops the door. An append that fails (full or read-only disk) is cut back to the
 * last whole record, reported, and counted; once writing works again a {@code records_lost} record
 * says how many records are missing, before the next one. A log that cannot be opened at start is
 * retried on every append.
 */
public final class AuditLog implements AuditTrail, AutoCloseable {
    public static final String DIR = "audit";
    static final String CURRENT = "audit.log";
    static final String GENESIS_PREV = "0".repeat(64);
    private static final String ROTATED = "audit-\\d{12}\\.log";

    /**
     * Once tokens that expired longer ago than this are not carried past a pruning: the one-time
     * store's compaction (a day's lag) has long made them count as expired.
     */
    static final Duration CARRY_MARGIN = Duration.ofDays(7);

    /** The most once tokens one pruned file carries over (about 200 bytes each). */
    static final int MAX_CARRIED = 10_000;

    /**
     * @param rotateBytes start a new file beyond this size
     * @param maxBytes remove the oldest files when all of them together pass this
     */
    public record Limits(long rotateBytes, long maxBytes) {
        public static final long DEFAULT_MAX_BYTES = 64L * 1024 * 1024;

        /** Rotation at a quarter of the maximum, and never beyond 4 MiB. */
        public static Limits of(long maxBytes) {
            return new Limits(Math.min(4L * 1024 * 1024, maxBytes / 4), maxBytes);
        }
    }

    /**
     * Told when appends start failing and when they work again: the door raises and clears its
     * alarm.
     */
    public interface Health {
        /** For a command that appends once and checks what append returns. */
        Health IGNORED =
                new Health() {
                    @Override
                    public void failed(IOException e) {}

                    @Override
                    public void recovered() {}
                };

        void failed(IOException e);

        void recovered();
    }

    private final Storage storage;
    private final Path dir;
    private final Limits limits;
    private final Health health;
    private final InstantSource clock;
    private final List<Damage> damage = new ArrayList<>();

    private Storage.Appender out;

    /** The current file's length up to its last whole record. */
    private long size;

    private long firstSeqOfCurrent;
    private long nextSeq;
    private String lastHash;
    private boolean chainKnown;
    private boolean failing;
    private long lost;
    private Instant lostFrom;
    private Instant lostTo;

    private AuditLog(Storage storage, Path dir, Limits limits, InstantSource clock, Health health) {
        this.storage = storage;
        this.dir = dir;
        this.limits = limits;
        this.clock = clock;
        this.health = health;
    }

    /**
     * Opens (or starts, with a genesis record) the log in {@code stateDir/audit}. A torn last line,
     * left by a crash in the middle of a write, is cut off: it was never durable. A log that cannot
     * be read or written does not stop the door: see {@link #damage()} and the {@link Health}
     * calls.
     */
    public static AuditLog open(
            Storage storage, Path stateDir, Limits limits, InstantSource clock, Health health) {
        AuditLog log = new AuditLog(storage, stateDir.resolve(DIR), limits, clock, health);
        synchronized (log) {
            if (!log.ensureOpen()) {
                log.failing = true;
            }
        }
        return log;
    }

    /**
     * What could not be read at start (a damaged last record): for an alarm and the audit log
     * itself.
     */
    public synchronized List<Damage> damage() {
        return List.copyOf(damage);
    }

    /** The chain's head: the last record's seq and the SHA-256 of its line. */
    public record Head(long seq, String hash) {}

    /** The chain's head now; empty before the first record, or while the log cannot be read. */
    public synchronized Optional<Head> head() {
        if (!chainKnown || nextSeq == 0) {
            return Optional.empty();
        }
        return Optional.of(new Head(nextSeq - 1, lastHash));
    }

    /** Whether the last append (or the start) failed. */
    public synchronized boolean failing() {
        return failing;
    }

    @Override
    public synchronized Optional<String> append(AuditRecord record, Instant at) {
        if (!ensureOpen()) {
            lose(at);
            if (!failing) {
                failing = true;
                health.failed(new IOException("the audit log cannot be opened"));
            }
            return Optional.empty();
        }
        try {
            if (size > 0 && size + estimate(record, at) > limits.rotateBytes()) {
                rotate();
                prune(at);
            }
            if (lost > 0) {
                write(new AuditRecord.RecordsLost(lost, lostFrom, lostTo), at);
                lost = 0;
            }
            String line = write(record, at);
            if (failing) {
                failing = false;
                Logger.info("the audit log can be written again");
                health.recovered();
            }
            return Optional.of(line);
        } catch (IOException e) {
            lose(at);
            if (!failing) {
                Logger.error("audit log cannot be written: {}", e.getMessage());
            }
            failing = true;
            health.failed(e);
            return Optional.empty();
        }
    }

    /**
     * Tries to write what is pending (the count of lost records) without a new record: the health
     * probe.
     */
    public synchronized boolean retry() {
        if (!failing) {
            return true;
        }
        if (!ensureOpen()) {
            return false;
        }
        try {
            if (lost > 0) {
                write(new AuditRecord.RecordsLost(lost, lostFrom, lostTo), clock.instant());
                lost = 0;
            }
            failing = false;
            Logger.info("the audit log can be written again");
            health.recovered();
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private void lose(Instant at) {
        if (lost++ == 0) {
            lostFrom = at;
        }
        lostTo = at;
    }

    private long estimate(AuditRecord record, Instant at) {
        return AuditJson.line(nextSeq, at, record, GENESIS_PREV).length() + 1L;
    }

    /**
     * Writes one record at the end of the chain; a failed write is cut back before the exception
     * leaves.
     */
    private String write(AuditRecord record, Instant at) throws IOException {
        String line = AuditJson.line(nextSeq, at, record, lastHash);
        byte[] bytes = (line + "\n").getBytes(StandardCharsets.UTF_8);
        try {
            out.write(bytes);
            out.force();
        } catch (IOException e) {
            cutBack();
            throw e;
        }
        size += bytes.length;
        lastHash = sha256(bytes, bytes.length - 1);
        nextSeq++;
        return line;
    }

    private void cutBack() {
        try {
            out.truncate(size);
        } catch (IOException again) {
            // The next open truncates to the known length before writing anything.
            closeQuietly();
        }
    }

    /** Opens the current file for writing, learning the chain's head first if need be. */
    private boolean ensureOpen() {
        if (out != null) {
            return true;
        }
        try {
            AtomicFiles.createDirectories(
                    dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
            if (!chainKnown) {
                readHead();
            }
            Path current = dir.resolve(CURRENT);
            out = storage.append(current);
            if (out.size() > size) {
                out.truncate(size); // a torn last line, or a failed append's fragment
            }
            if (nextSeq == 0) {
                firstSeqOfCurrent = 0;
                write(new AuditRecord.Genesis(), clock.instant());
            }
            return true;
        } catch (IOException e) {
            closeQuietly();
            if (!failing) {
                Logger.error(
                        "audit log in {} cannot be opened for writing: {}", dir, e.getMessage());
            }
            return false;
        }
    }

    /** Finds the last record: its seq and hash continue the chain. */
    private void readHead() throws IOException {
        Path current = dir.resolve(CURRENT);
        List<byte[]> lines = Files.exists(current) ? lines(Files.readAllBytes(current)) : List.of();
        size = lines.stream().mapToLong(l -> l.length + 1L).sum();
        if (lines.isEmpty()) {
            List<Path> files = files(dir);
            for (int i = files.size() - 1; i >= 0 && lines.isEmpty(); i--) {
                lines = lines(Files.readAllBytes(files.get(i)));
            }
            if (lines.isEmpty()) {
                nextSeq = 0;
                lastHash = GENESIS_PREV;
                chainKnown = true;
                return;
            }
            nextSeq = seqOfLast(current, lines) + 1;
            firstSeqOfCurrent = nextSeq;
        } else {
            nextSeq = seqOfLast(current, lines) + 1;
            firstSeqOfCurrent = nextSeq - lines.size();
        }
        byte[] last = lines.get(lines.size() - 1);
        lastHash = sha256(last, last.length);
        chainKnown = true;
    }

    /**
     * The seq of the last line; a damaged last line is counted on from the last readable one, and
     * reported.
     */
    private long seqOfLast(Path file, List<byte[]> lines) {
        for (int i = lines.size() - 1; i >= 0; i--) {
            Optional<Long> seq = seq(lines.get(i));
            if (seq.isPresent()) {
                if (i < lines.size() - 1) {
                    String problem =
                            "line "
                                    + lines.size()
                                    + " is not a valid audit record; the chain continues after"
                                    + " it, and `latchkey audit verify` reports it";
                    damage.add(new Damage(file.toString(), "", problem));
                    Logger.error("{}: {}", file, problem);
                }
                return seq.get() + (lines.size() - 1 - i);
            }
        }
        damage.add(new Damage(file.toString(), "", "no line is a valid audit record"));
        return lines.size() - 1;
    }

    private static Optional<Long> seq(byte[] line) {
        try {
            var node = Json.read(Json.strictUtf8(line));
            return node.path("seq").isIntegralNumber()
                    ? Optional.of(node.path("seq").longValue())
                    : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private void rotate() throws IOException {
        out.close();
        out = null;
        storage.move(
                dir.resolve(CURRENT),
                dir.resolve(String.format("audit-%012d.log", firstSeqOfCurrent)));
        size = 0;
        firstSeqOfCurrent = nextSeq;
        out = storage.append(dir.resolve(CURRENT));
    }

    /**
     * Removes the oldest rotated files while the log is over its limit, each after its anchor
     * record.
     */
    private void prune(Instant at) throws IOException {
        List<Path> rotated =
                files(dir).stream()
                        .filter(p -> p.getFileName().toString().matches(ROTATED))
                        .toList();
        long total = size;
        for (Path p : rotated) {
            total += Files.size(p);
        }
        for (int i = 0; i < rotated.size() - 1 && total > limits.maxBytes(); i++) {
            Path old = rotated.get(i);
            List<byte[]> lines = lines(Files.readAllBytes(old));
            if (lines.isEmpty()) {
                storage.delete(old);
                continue;
            }
            carryOnceTokens(old, lines, at);
            byte[] last = lines.get(lines.size() - 1);
            long nextFirst = firstSeq(rotated.get(i + 1));
            write(
                    new AuditRecord.AuditPruned(
                            old.getFileName().toString(),
                            lines.size(),
                            nextFirst,
                            sha256(last, last.length)),
                    at);
            long bytes = Files.size(old);
            storage.delete(old);
            total -= bytes;
            Logger.info(
                    "audit log over {} bytes: removed {} ({} records)",
                    limits.maxBytes(),
                    old.getFileName(),
                    lines.size());
        }
    }

    /**
     * Before a file goes, the once tokens it says the door took and that may still be valid are
     * written again ({@code once_used}, "carried"): the log must keep remembering every one until
     * it expires, so that a one-time store lost after the pruning cannot reopen it. At most {@link
     * #MAX_CARRIED}, the latest-expiring first: beyond that many only the one-time store remembers.
     */
    private void carryOnceTokens(Path old, List<byte[]> lines, Instant at) throws IOException {
        Instant keepFrom = at.minus(CARRY_MARGIN);
        Map<String, AuditHistory.OnceGrant> live = new LinkedHashMap<>();
        for (byte[] line : lines) {
            AuditHistory.remembered(line)
                    .flatMap(AuditHistory::onceTaken)
                    .filter(g -> g.exp().isAfter(keepFrom))
                    .ifPresent(
                            g ->
                                    live.merge(
                                            g.kid() + " " + g.jti(),
                                            g,
                                            (a, b) -> a.exp().isAfter(b.exp()) ? a : b));
        }
        List<AuditHistory.OnceGrant> carried =
                live.values().stream()
                        .sorted(Comparator.comparing(AuditHistory.OnceGrant::exp).reversed())
                        .limit(MAX_CARRIED)
                        .toList();
        if (live.size() > MAX_CARRIED) {
            Logger.error(
                    "{} holds {} once tokens that may still be valid: the audit log carries the {}"
                            + " latest-expiring; the one-time store alone remembers the rest",
                    old.getFileName(),
                    live.size(),
                    MAX_CARRIED);
        }
        for (AuditHistory.OnceGrant g : carried) {
            write(new AuditRecord.OnceUsed(g.kid(), g.jti(), g.exp(), "carried"), at);
        }
    }

    private static long firstSeq(Path rotated) {
        String name = rotated.getFileName().toString();
        return Long.parseLong(name.substring("audit-".length(), name.length() - ".log".length()));
    }

    @Override
    public synchronized void close() throws IOException {
        if (out != null) {
            out.close();
            out = null;
        }
    }

    private void closeQuietly() {
        if (out != null) {
            try {
                out.close();
            } catch (IOException e) {
                // already failing; nothing more to tell
            }
            out = null;
        }
    }

    /** The log files in chain order: rotated ones by first seq, then the current one. */
    public static List<Path> files(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            List<Path> rotated =
                    s.filter(p -> p.getFileName().toString().matches(ROTATED)).sorted().toList();
            Path current = dir.resolve(CURRENT);
            return Files.exists(current)
                    ? Stream.concat(rotated.stream(), Stream.of(current)).toList()
                    : rotated;
        }
    }

    /**
     * The whole lines of a file, without their {@code \n}; anything after the last one is a torn
     * write.
     */
    static List<byte[]> lines(byte[] bytes) {
        List<byte[]> out = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == '\n') {
                byte[] line = new byte[i - start];
                System.arraycopy(bytes, start, line, 0, line.length);
                out.add(line);
                start = i + 1;
            }
        }
        return out;
    }

    /** The chain's hash of one line: its bytes as written, without the line end. */
    static String sha256(byte[] bytes, int length) {
        try {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            d.update(bytes, 0, length);
            return HexFormat.of().formatHex(d.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
