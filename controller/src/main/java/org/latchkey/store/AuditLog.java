package org.latchkey.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.InstantSource;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.latchkey.token.Json;
import org.latchkey.token.Rfc3339;

/**
 * The tamper-evident audit log: append-only JSON lines in {@code audit/}, each carrying {@code prev}, the
 * SHA-256 of the previous line, back to a genesis record. Every append is fsync'ed. When {@code audit.log}
 * grows past its limit it is renamed {@code audit-<first seq>.log} and a new file continues the chain.
 * Never the token itself: kid, jti, sub, role and reason only.
 */
public final class AuditLog implements AutoCloseable {
    public static final String DIR = "audit";
    static final String CURRENT = "audit.log";
    static final String GENESIS_PREV = "0".repeat(64);
    private static final java.util.Set<String> RESERVED = java.util.Set.of("seq", "ts", "type", "prev");

    private final Path dir;
    private final long rotateBytes;
    private final Consumer<IOException> onFailure;
    private FileChannel channel;
    private long nextSeq;
    private String lastHash;
    private long size;

    private AuditLog(Path dir, long rotateBytes, Consumer<IOException> onFailure) {
        this.dir = dir;
        this.rotateBytes = rotateBytes;
        this.onFailure = onFailure;
    }

    /**
     * Opens (or starts, with a genesis record) the log in {@code stateDir/audit}. A torn last line, left by a
     * crash in the middle of a write, is cut off: it was never durable.
     *
     * @param onFailure told when an append fails (full or read-only disk); the door keeps running
     */
    public static AuditLog open(Path stateDir, long rotateBytes, InstantSource clock, Consumer<IOException> onFailure)
            throws IOException {
        Path dir = Files.createDirectories(stateDir.resolve(DIR));
        AuditLog log = new AuditLog(dir, rotateBytes, onFailure);
        Path current = dir.resolve(CURRENT);
        if (Files.exists(current)) {
            cutTornTail(current);
        }
        String last = lastLine(current);
        if (last == null) {
            last = lastOfRotated(dir);
        }
        log.channel = FileChannel.open(current, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        log.size = log.channel.size();
        if (last == null) {
            log.nextSeq = 0;
            log.lastHash = GENESIS_PREV;
            log.append("genesis", Map.of(), clock.instant());
        } else {
            JsonNode record = Json.MAPPER.readTree(last);
            log.nextSeq = record.path("seq").asLong() + 1;
            log.lastHash = sha256(last);
        }
        return log;
    }

    /** Appends one record; a failure is reported to {@code onFailure} and the record is lost, never the door. */
    public synchronized void append(String type, Map<String, ?> fields, Instant at) {
        ObjectNode o = Json.MAPPER.createObjectNode();
        o.put("seq", nextSeq);
        o.put("ts", Rfc3339.format(at));
        o.put("type", type);
        fields.forEach((k, v) -> {
            if (RESERVED.contains(k)) {
                throw new IllegalArgumentException("audit field '" + k + "' is reserved for the chain");
            }
            o.set(k, Json.MAPPER.valueToTree(v));
        });
        o.put("prev", lastHash);
        String line;
        try {
            line = Json.MAPPER.writeValueAsString(o);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(e);
        }
        byte[] bytes = (line + "\n").getBytes(StandardCharsets.UTF_8);
        try {
            if (size + bytes.length > rotateBytes && size > 0) {
                rotate();
            }
            ByteBuffer buf = ByteBuffer.wrap(bytes);
            while (buf.hasRemaining()) {
                channel.write(buf);
            }
            channel.force(false);
            size += bytes.length;
            lastHash = sha256(line);
            nextSeq++;
        } catch (IOException e) {
            onFailure.accept(e);
        }
    }

    private void rotate() throws IOException {
        channel.close();
        Path current = dir.resolve(CURRENT);
        String first = Files.newBufferedReader(current, StandardCharsets.UTF_8).readLine();
        long firstSeq = Json.MAPPER.readTree(first).path("seq").asLong();
        Files.move(current, dir.resolve(String.format("audit-%012d.log", firstSeq)), StandardCopyOption.ATOMIC_MOVE);
        channel = FileChannel.open(current, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        AtomicFiles.syncDirectory(dir);
        size = 0;
    }

    @Override
    public synchronized void close() throws IOException {
        channel.close();
    }

    /** The log files in chain order: rotated ones by first seq, then the current one. */
    static List<Path> files(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            List<Path> rotated = s.filter(p -> p.getFileName().toString().matches("audit-\\d{12}\\.log")).sorted().toList();
            Path current = dir.resolve(CURRENT);
            return Files.exists(current)
                    ? Stream.concat(rotated.stream(), Stream.of(current)).toList()
                    : rotated;
        }
    }

    static String sha256(String line) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(line.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void cutTornTail(Path file) throws IOException {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            long len = raf.length();
            long keep = len;
            while (keep > 0) {
                raf.seek(keep - 1);
                if (raf.read() == '\n') {
                    break;
                }
                keep--;
            }
            if (keep != len) {
                raf.setLength(keep);
                raf.getFD().sync();
            }
        }
    }

    private static String lastLine(Path file) throws IOException {
        if (!Files.exists(file)) {
            return null;
        }
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        return lines.isEmpty() ? null : lines.get(lines.size() - 1);
    }

    private static String lastOfRotated(Path dir) throws IOException {
        List<Path> files = files(dir);
        for (int i = files.size() - 1; i >= 0; i--) {
            String last = lastLine(files.get(i));
            if (last != null) {
                return last;
            }
        }
        return null;
    }
}
