package org.latchkey.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.latchkey.testing.OsTools;
import org.latchkey.web.AppFiles;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The owner's app is committed built (provisioning/pass-app/dist), so that nobody's build needs
 * Node: where Node is installed, its sources are built again from the lockfile and must give the
 * same bytes, and its own checks run.
 */
class PassAppBundleTest {
    private static final Path APP = Path.of("pass-app").toAbsolutePath();

    @TempDir Path dir;

    @Test
    void theCommittedBundle_isWhatItsSourcesBuild() throws Exception {
        Path node = OsTools.require("node", "nodejs");
        Path npm = OsTools.require("npm", "npm");
        Path copy = dir.resolve("pass-app");
        copyTree(APP, copy);
        run(copy, npm.toString(), "ci", "--no-audit", "--no-fund");
        run(copy, node.toString(), "build.mjs");
        TreeSet<String> committed = names(APP.resolve("dist"));
        assertEquals(committed, names(copy.resolve("dist")), "the same files");
        for (String name : committed) {
            assertArrayEquals(
                    Files.readAllBytes(APP.resolve("dist").resolve(name)),
                    Files.readAllBytes(copy.resolve("dist").resolve(name)),
                    name
                            + " differs from a fresh build: run npm ci && node build.mjs in"
                            + " provisioning/pass-app and commit dist/");
        }
    }

    @Test
    void theAppsOwnChecks_pass() throws Exception {
        Path node = OsTools.require("node", "nodejs");
        String out = run(APP, node.toString(), "test/run.mjs");
        assertTrue(out.contains(" passed"), out);
    }

    @Test
    void everyBuiltFile_isOneTheDoorServes_withItsType() throws Exception {
        for (String name : names(APP.resolve("dist"))) {
            assertTrue(AppFiles.typeOf(name).isPresent(), name + " would not be served");
            assertTrue(
                    AppFiles.onClasspath().file(name).isPresent(),
                    name + " is not in the provisioning jar's latchkey-pass/");
        }
        assertTrue(
                AppFiles.onClasspath()
                        .file("index.html")
                        .orElseThrow()
                        .type()
                        .startsWith("text/html"));
    }

    private static TreeSet<String> names(Path d) throws IOException {
        try (Stream<Path> s = Files.list(d)) {
            return new TreeSet<>(s.map(p -> p.getFileName().toString()).toList());
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : s.toList()) {
                Path rel = from.relativize(p);
                if (rel.startsWith("node_modules") || rel.startsWith("dist")) {
                    continue;
                }
                Path target = to.resolve(rel.toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
    }

    private static String run(Path cwd, String... command) throws Exception {
        Process p =
                new ProcessBuilder(List.of(command))
                        .directory(cwd.toFile())
                        .redirectErrorStream(true)
                        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                        .start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(5, TimeUnit.MINUTES), String.join(" ", command) + " did not finish");
        assertEquals(0, p.exitValue(), String.join(" ", command) + ":\n" + out);
        return out;
    }
}
