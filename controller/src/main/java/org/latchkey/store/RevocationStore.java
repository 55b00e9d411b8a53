package org.latchkey.store;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.latchkey.store.AtomicFiles;
import org.latchkey.token.RevocationList;
import org.latchkey.token.RevocationListVerifier;
import org.latchkey.token.TokenRejectedException;

/** The installed revocation list, kept as the signed text and verified again on every load. */
public final class RevocationStore {
    public static final String FILE = "revocations.paseto";

    private final Path file;
    private final java.util.function.Supplier<RevocationListVerifier> verifier;
    private volatile RevocationList installed;

    private RevocationStore(Path file, java.util.function.Supplier<RevocationListVerifier> verifier,
            RevocationList installed) {
        this.file = file;
        this.verifier = verifier;
        this.installed = installed;
    }

    /** @throws IOException when a stored list exists but no longer verifies: fail secure, do not start without it */
    public static RevocationStore open(Path stateDir, RevocationListVerifier verifier) throws IOException {
        return open(stateDir, () -> verifier);
    }

    /** With the verifier looked up at each install, so trust reloads apply. */
    public static RevocationStore open(Path stateDir, java.util.function.Supplier<RevocationListVerifier> verifier)
            throws IOException {
        Path file = stateDir.resolve(FILE);
        RevocationList list = RevocationList.NONE;
        if (Files.exists(file)) {
            String text = Files.readString(file, StandardCharsets.US_ASCII).strip();
            try {
                list = verifier.get().verify(text, RevocationList.NONE);
            } catch (TokenRejectedException e) {
                throw new IOException(file + " does not verify (" + e.getMessage() + "): restore it, or install a new"
                        + " list signed by an owner key with `latchkey revoke`");
            }
        }
        return new RevocationStore(file, verifier, list);
    }

    public RevocationList installed() {
        return installed;
    }

    /** Verifies a new list against the installed one and, only if it passes, stores and installs it. */
    public synchronized RevocationList install(String text) throws TokenRejectedException, IOException {
        RevocationList next = verifier.get().verify(text, installed);
        AtomicFiles.write(file, (next.signedText() + "\n").getBytes(StandardCharsets.US_ASCII));
        installed = next;
        return next;
    }
}
