package org.latchkey.store;

import org.latchkey.token.Enrolment;
import org.latchkey.token.SignedToken;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The enrolled keys (owners' phones), kept as the owner-signed enrolments themselves in {@value
 * #DIR}, one file per enrolled key ({@code <its kid's 44 characters>.paseto}). The door never
 * trusts what is here without verifying it again (at every load); this class only keeps the texts.
 */
public final class EnrolmentStore {
    public static final String DIR = "issuers.d";

    /** More would be a flood, not a household: a list of keys a person reads. */
    public static final int MAX_KEYS = 64;

    private static final Pattern FILE = Pattern.compile("([A-Za-z0-9_-]{44})\\.paseto");

    private final Storage storage;
    private final Path dir;
    private volatile long version;

    public EnrolmentStore(Storage storage, Path stateDir) {
        this.storage = storage;
        this.dir = stateDir.resolve(DIR);
    }

    /** Grows with every change made through this store: the trust in force is built again. */
    public long version() {
        return version;
    }

    /**
     * The kept texts, in a stable order. A file that is not one (wrong name, too long, not text) is
     * left out and named in {@code unreadable}.
     */
    public List<String> texts(List<String> unreadable) throws IOException {
        List<String> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.sorted().toList();
        }
        for (Path f : files) {
            String name = f.getFileName().toString();
            if (!FILE.matcher(name).matches() || !Files.isRegularFile(f)) {
                if (!name.startsWith(".")) {
                    unreadable.add(name + ": not an enrolment's file name");
                }
                continue;
            }
            if (out.size() == MAX_KEYS) {
                unreadable.add(name + ": more than " + MAX_KEYS + " enrolled keys");
                continue;
            }
            if (Files.size(f) > SignedToken.MAX_ACCESS_TOKEN_BYTES + 1) {
                unreadable.add(name + ": too long for an enrolment");
                continue;
            }
            out.add(
                    SignedToken.withoutLineEnd(
                            new String(Files.readAllBytes(f), StandardCharsets.US_ASCII)));
        }
        return out;
    }

    /** Keeps a verified enrolment (fsync'ed), replacing one for the same key. */
    public synchronized void keep(Enrolment e) throws IOException {
        if (!Files.isDirectory(dir)) {
            AtomicFiles.createDirectories(dir, PosixFilePermissions.fromString("rwx------"));
        }
        storage.replace(
                file(e.issuer().kid()), (e.text() + "\n").getBytes(StandardCharsets.US_ASCII));
        version++;
    }

    /**
     * Forgets the enrolment of {@code kid}.
     *
     * @return whether there was one
     */
    public synchronized boolean forget(String kid) throws IOException {
        Path f = file(kid);
        if (!Files.exists(f)) {
            return false;
        }
        storage.delete(f);
        version++;
        return true;
    }

    private Path file(String kid) {
        String id = kid.substring("k4.pid.".length());
        if (!FILE.matcher(id + ".paseto").matches()) {
            throw new IllegalArgumentException("not a key id: " + kid);
        }
        return dir.resolve(id + ".paseto");
    }
}
