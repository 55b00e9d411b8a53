package org.latchkey.audit;

import org.latchkey.door.AuditRecord;
import org.latchkey.hal.DoorState;
import org.latchkey.store.Storage;
import org.latchkey.testing.TestDoor;
import org.latchkey.token.PublicKey;
import org.latchkey.token.SigningKey;
import org.latchkey.token.TokenRejectedException;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * What a signed audit checkpoint costs (docs/benchmarks.md): signing one over the chain's head
 * (Ed25519 with BouncyCastle, plus its JSON), checking one, and — for scale — appending one audit
 * record to a real file with its fsync, which the door does for every record while a checkpoint
 * comes once per 100 of them.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class CheckpointBenchmark {
    private static final Instant NOW = Instant.parse("2026-12-07T10:00:00Z");
    private static final String HEAD = "ab".repeat(32);

    private final SigningKey door = TestDoor.DOOR;
    private final PublicKey doorPublic = TestDoor.DOOR.publicKey();
    private AuditRecord.Checkpoint signed;
    private Path dir;
    private AuditLog log;
    private long seq;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        signed = Checkpoints.sign(door, 100, HEAD, NOW);
        // The working directory's disk, as the door's state directory would be (not a tmpfs).
        dir = Files.createTempDirectory(Path.of("target"), "checkpoint-bench-");
        log =
                AuditLog.open(
                        Storage.REAL,
                        dir,
                        AuditLog.Limits.of(AuditLog.Limits.DEFAULT_MAX_BYTES),
                        InstantSource.fixed(NOW),
                        AuditLog.Health.IGNORED);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    @Benchmark
    public AuditRecord.Checkpoint checkpointSign() {
        return Checkpoints.sign(door, ++seq, HEAD, NOW);
    }

    @Benchmark
    public AuditRecord.Checkpoint checkpointVerify() throws TokenRejectedException {
        Checkpoints.verify(signed, doorPublic);
        return signed;
    }

    @Benchmark
    public Object auditAppendWithFsync() {
        return log.append(new AuditRecord.Door(DoorState.OPEN), NOW);
    }
}
