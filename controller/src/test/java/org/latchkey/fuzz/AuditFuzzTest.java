package org.latchkey.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;

import org.latchkey.audit.AuditLog;
import org.latchkey.audit.AuditVerifier;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The audit chain verifier on any file: it reports intact or names the first problem, never throws;
 * an intact report means a chain from the genesis record (or an anchor) that this version can
 * continue.
 */
class AuditFuzzTest {
    private static final Path STATE;

    static {
        try {
            STATE = Files.createTempDirectory("latchkey-audit-fuzz");
            Files.createDirectories(STATE.resolve(AuditLog.DIR));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @FuzzTest
    void verify(byte[] input) throws IOException {
        Files.write(STATE.resolve(AuditLog.DIR).resolve("audit.log"), input);
        AuditVerifier.Report first = AuditVerifier.verify(STATE);
        assertEquals(first, AuditVerifier.verify(STATE), "the same answer twice");
        if (first.intact()) {
            assertTrue(first.records() > 0 && first.head().length() == 64);
        } else {
            assertTrue(first.firstProblem().get().length() < 400, "a bounded message");
        }
    }
}
