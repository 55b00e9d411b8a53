package org.latchkey.testing;

import org.junit.jupiter.api.Assumptions;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListSet;

/**
 * Checks that need a program of the operating system (Chromium, dpkg-deb, systemd-analyze, openssl,
 * mosquitto, QEMU…) run whenever it is installed. When it is missing, the check is skipped saying
 * which program to install — unless {@code -Dlatchkey.requireOsTools=true} (what {@code .ci/run}
 * passes), which makes a missing program a failure, so CI never skips a check.
 */
public final class OsTools {
    public static final String REQUIRE = "latchkey.requireOsTools";

    /** Tool → the tests that could not run without it, for the summary at the end of the run. */
    static final Map<String, Set<String>> MISSING = new ConcurrentHashMap<>();

    private OsTools() {}

    /**
     * The program's path; skips (or, under {@value #REQUIRE}, fails) the calling test when it is
     * not installed.
     *
     * @param debianPackage what to install, for the message
     */
    public static Path require(String program, String debianPackage) {
        Optional<Path> found = find(program);
        if (found.isPresent()) {
            return found.get();
        }
        String message =
                program
                        + " is not installed (Debian package "
                        + debianPackage
                        + "): this check did not run";
        if (Boolean.getBoolean(REQUIRE)) {
            throw new AssertionError(
                    message + ", and -D" + REQUIRE + "=true says every OS-tool check must run");
        }
        MISSING.computeIfAbsent(
                        program + " (" + debianPackage + ")", k -> new ConcurrentSkipListSet<>())
                .add(caller());
        Assumptions.abort(message);
        throw new IllegalStateException("unreachable");
    }

    /** The program on the PATH, or in /usr/sbin and /sbin. */
    public static Optional<Path> find(String program) {
        String path =
                System.getenv().getOrDefault("PATH", "") + File.pathSeparator + "/usr/sbin:/sbin";
        for (String d : path.split(File.pathSeparator)) {
            if (d.isEmpty()) {
                continue;
            }
            Path p = Path.of(d, program);
            if (Files.isRegularFile(p) && Files.isExecutable(p)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    private static String caller() {
        return StackWalker.getInstance()
                .walk(
                        s ->
                                s.skip(2)
                                        .findFirst()
                                        .map(
                                                f ->
                                                        f.getClassName()
                                                                        .substring(
                                                                                f.getClassName()
                                                                                                .lastIndexOf(
                                                                                                        '.')
                                                                                        + 1)
                                                                + "."
                                                                + f.getMethodName())
                                        .orElse("?"));
    }
}
