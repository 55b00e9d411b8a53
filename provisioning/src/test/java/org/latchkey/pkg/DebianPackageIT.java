package org.latchkey.pkg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.latchkey.testing.OsTools;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The .deb that `./mvnw package` builds: its files and control data (dpkg-deb), its unit
 * (systemd-analyze verify), and its launchers run from an unpacked copy against a simulated door.
 * Runs after `package` (failsafe), so in `./mvnw verify`.
 */
class DebianPackageIT {
    @TempDir static Path work;

    static Path deb;
    static Path root;

    record Run(int code, String out) {}

    static Run run(List<String> cmd, Path dir) throws Exception {
        // The launcher's class caches go to a folder of the test's, not the user's ~/.cache.
        return run(cmd, dir, Map.of("XDG_CACHE_HOME", work.resolve("cache").toString()));
    }

    static Run run(List<String> cmd, Path dir, Map<String, String> env) throws Exception {
        ProcessBuilder pb =
                new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true);
        pb.environment().putAll(env);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "timed out: " + cmd);
        return new Run(p.exitValue(), out);
    }

    @BeforeAll
    static void unpack() throws Exception {
        try (Stream<Path> s = Files.list(Path.of("target"))) {
            deb =
                    s.filter(p -> p.getFileName().toString().matches("latchkey_.*_all\\.deb"))
                            .findFirst()
                            .orElseThrow(
                                    () ->
                                            new AssertionError(
                                                    "no target/latchkey_*_all.deb: did `package`"
                                                            + " run?"));
        }
        OsTools.require("dpkg-deb", "dpkg");
        root = Files.createDirectories(work.resolve("root"));
        assertEquals(
                0,
                run(
                                List.of(
                                        "dpkg-deb",
                                        "-x",
                                        deb.toAbsolutePath().toString(),
                                        root.toString()),
                                work)
                        .code());
    }

    @Test
    void fileList_holdsTheJarsLaunchersUnitNativeLibrariesAndExampleConfig() throws Exception {
        Run list = run(List.of("dpkg-deb", "-c", deb.toAbsolutePath().toString()), work);
        assertEquals(0, list.code());
        for (String path :
                new String[] {
                    "-rwxr-xr-x root/root .* ./usr/bin/latchkey$",
                    "-rwxr-xr-x root/root .* ./usr/bin/latchkeyd$",
                    "./lib/systemd/system/latchkeyd.service$",
                    "./usr/share/latchkey/lib/latchkey-provisioning.jar$",
                    "./usr/share/latchkey/lib/latchkey-controller-.*\\.jar$",
                    "./usr/share/latchkey/lib/latchkey-hal-.*\\.jar$",
                    "./usr/share/latchkey/lib/pi4j-plugin-gpiod-3.0.3.jar$",
                    "./usr/share/latchkey/lib/bcprov-jdk18on-1.83.jar$",
                    "./usr/lib/latchkey/native/aarch64/libgpiod.so$",
                    "./usr/lib/latchkey/native/aarch64/libpi4j-gpiod.so$",
                    "./usr/lib/latchkey/native/armhf/libgpiod.so$",
                    "./usr/lib/latchkey/native/armhf/libpi4j-gpiod.so$",
                    "./usr/lib/latchkey/native/aarch64/libjunixsocket-native-[0-9.]+.so$",
                    "./usr/lib/latchkey/native/armhf/libjunixsocket-native-[0-9.]+.so$",
                    "./usr/share/doc/latchkey/latchkey.toml.example$",
                    "./usr/share/doc/latchkey/README.md$",
                    "./usr/share/doc/latchkey/copyright$"
                }) {
            Pattern p = Pattern.compile(path, Pattern.MULTILINE);
            assertTrue(p.matcher(list.out()).find(), "missing " + path + " in\n" + list.out());
        }
        assertTrue(
                list.out().lines().noneMatch(l -> l.contains("pi4j-plugin-mock")),
                "no mock plugin in the package");
        assertTrue(
                list.out().lines().noneMatch(l -> l.contains("/lib/picocli")),
                "picocli is compiled into the provisioning jar, not shipped as its own");
        // Every bundled jar is named, with its licence, in the package's copyright file.
        String copyright = Files.readString(root.resolve("usr/share/doc/latchkey/copyright"));
        Matcher jar =
                Pattern.compile("/usr/share/latchkey/lib/([a-z0-9.-]+?)-[0-9][^/]*\\.jar$")
                        .matcher("");
        for (String line : list.out().lines().toList()) {
            if (jar.reset(line).find() && !jar.group(1).startsWith("latchkey-")) {
                assertTrue(
                        copyright.contains(jar.group(1)),
                        jar.group(1) + " is not named in the copyright file");
            }
        }
        assertTrue(copyright.contains("picocli 4.7.7"), "picocli, compiled in, is named");
        // So is every npm package the owner's app is built from (bundled in its app.js).
        var app =
                org.latchkey.token.Json.read(Files.readString(Path.of("pass-app", "package.json")))
                        .path("dependencies");
        app.fieldNames()
                .forEachRemaining(
                        name ->
                                assertTrue(
                                        copyright
                                                .toLowerCase(java.util.Locale.ROOT)
                                                .contains(name + " " + app.path(name).asText()),
                                        name + " is not named in the copyright file"));
    }

    @Test
    void controlData_and_maintainerScripts() throws Exception {
        Run fields =
                run(
                        List.of(
                                "dpkg-deb",
                                "-f",
                                deb.toAbsolutePath().toString(),
                                "Package",
                                "Architecture",
                                "Depends"),
                        work);
        assertTrue(fields.out().contains("Package: latchkey"), fields.out());
        assertTrue(fields.out().contains("Architecture: all"));
        assertTrue(fields.out().contains("openjdk-21-jre-headless"));
        Path control = work.resolve("control");
        assertEquals(
                0,
                run(
                                List.of(
                                        "dpkg-deb",
                                        "-e",
                                        deb.toAbsolutePath().toString(),
                                        control.toString()),
                                work)
                        .code());
        String postinst = Files.readString(control.resolve("postinst"));
        assertTrue(
                postinst.contains("adduser --system") && postinst.contains("adduser latchkey gpio"),
                postinst);
        assertEquals(
                0, run(List.of("sh", "-n", control.resolve("postinst").toString()), work).code());
    }

    @Test
    void unit_passesSystemdAnalyzeVerify() throws Exception {
        // The unit as packaged, with ExecStart pointing into the unpacked copy (the real path is
        // not installed here).
        String unit = Files.readString(root.resolve("lib/systemd/system/latchkeyd.service"));
        assertTrue(
                unit.contains("ExecStart=/usr/bin/latchkeyd --config /etc/latchkey/latchkey.toml"));
        for (String hardening :
                new String[] {
                    "Type=notify",
                    "NotifyAccess=main",
                    "WatchdogSec=",
                    "User=latchkey",
                    "SupplementaryGroups=gpio",
                    "StateDirectory=latchkey",
                    "ConfigurationDirectory=latchkey",
                    "UMask=0077",
                    "NoNewPrivileges=yes",
                    "ProtectSystem=strict",
                    "ProtectHome=yes",
                    "PrivateTmp=yes",
                    "DevicePolicy=closed",
                    "DeviceAllow=char-gpiochip rw",
                    "CapabilityBoundingSet=\n",
                    "SuccessExitStatus=143"
                }) {
            assertTrue(unit.contains(hardening), "unit lacks " + hardening.strip());
        }
        OsTools.require("systemd-analyze", "systemd");
        Path copy = work.resolve("latchkeyd.service");
        Files.writeString(
                copy,
                unit.replace("/usr/bin/latchkeyd", root.resolve("usr/bin/latchkeyd").toString()));
        Run verify = run(List.of("systemd-analyze", "verify", copy.toString()), work);
        assertEquals(0, verify.code(), verify.out());
    }

    @Test
    void unit_isHardenedTo2point5OrBetter_bySystemdsOwnRating() throws Exception {
        OsTools.require("systemd-analyze", "systemd");
        Path unit = root.resolve("lib/systemd/system/latchkeyd.service");
        Run security =
                run(
                        List.of(
                                "systemd-analyze",
                                "security",
                                "--offline=yes",
                                "--no-pager",
                                unit.toString()),
                        work);
        Matcher m =
                Pattern.compile("Overall exposure level for latchkeyd.service: (\\d+\\.\\d)")
                        .matcher(security.out());
        assertTrue(m.find(), security.out());
        double score = Double.parseDouble(m.group(1));
        assertTrue(score <= 2.5, "exposure " + score + " > 2.5:\n" + security.out());
    }

    /**
     * The package's class cache is root's, made at install (postinst runs the maker) for the
     * system's JVM: one file for every command. It must be made with the options the command runs
     * with (made without them, the JVM maps it but drops its linked classes and module graph,
     * silently, and the command runs a fifth slower): on Java 25 and newer the JVM's own cache log,
     * written to a file, must show it taken whole. A cache root does not own, or one others may
     * write, is never used; and no command makes a cache of its own in the user's folder.
     */
    @Test
    void cliClassCache_isRootsMadeAtInstall_takenWhole_andRefusedWhenNotRoots() throws Exception {
        String latchkey = root.resolve("usr/bin/latchkey").toString();
        Path system = root.resolve("var/cache/latchkey");
        Run make =
                run(
                        List.of(
                                root.resolve("usr/lib/latchkey/latchkey-make-cli-cache").toString(),
                                "--system"),
                        work);
        assertEquals(0, make.code(), make.out());
        assertTrue(make.out().contains("making the command line's class cache"), make.out());
        assertTrue(make.out().matches("(?s).*done: \\d+ MB in .*"), make.out());
        List<Path> caches = cacheFiles(system);
        assertEquals(1, caches.size(), "one cache for every command: " + caches);
        Path cache = caches.get(0);
        assertTrue(Files.size(cache) < 48L * 1000 * 1000, "under 48 MB: " + Files.size(cache));
        // Made again at every install, upgrade or by hand (the package's jars keep one timestamp
        // from release to release, so their names and sizes are no proof the cache is theirs), and
        // still one file.
        Run again =
                run(
                        List.of(
                                root.resolve("usr/lib/latchkey/latchkey-make-cli-cache").toString(),
                                "--system"),
                        work);
        assertTrue(again.out().contains("done: "), again.out());
        assertEquals(caches, cacheFiles(system), "one cache, the same name");

        Path user = work.resolve("user-cache");
        Map<String, String> env = Map.of("XDG_CACHE_HOME", user.toString());
        boolean aot = cache.getFileName().toString().endsWith(".aot");
        Path log = work.resolve("cache.log");
        String logOption = (aot ? "-Xlog:aot=info" : "-Xlog:cds=info") + ":file=" + log;
        String used = cacheLog(latchkey, user, logOption, log);
        if (aot) {
            assertTrue(used.contains("Using AOT-linked classes: true"), used);
        }
        assertTrue(used.contains(cache.getFileName().toString()), used);
        assertFalse(used.contains("[error]"), used);
        try (Stream<Path> mine = Files.list(user.resolve("latchkey"))) {
            assertEquals(
                    List.of("java"),
                    mine.map(f -> f.getFileName().toString()).toList(),
                    "the package makes no class cache of a user's");
        }

        // Others may write it: not used. Not root's: not used.
        Files.setPosixFilePermissions(
                cache, java.nio.file.attribute.PosixFilePermissions.fromString("rw-rw-rw-"));
        String name = cache.getFileName().toString();
        assertFalse(
                cacheLog(latchkey, user, logOption, log).contains(name), "group/other-writable");
        Files.setPosixFilePermissions(
                cache, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        Files.setAttribute(cache, "unix:uid", 65534);
        assertFalse(cacheLog(latchkey, user, logOption, log).contains(name), "not root's");
        Files.setAttribute(cache, "unix:uid", 0);
        assertTrue(cacheLog(latchkey, user, logOption, log).contains(name), "root's again");
    }

    /**
     * Root run with another user's cache folder in its environment (su without -, sudo -E) takes
     * nothing from it: not the java it names, not a cache; and writes nothing through a link there.
     */
    @Test
    void rootWithAUsersCacheFolder_takesNothingFromIt_andWritesNoLink() throws Exception {
        String latchkey = root.resolve("usr/bin/latchkey").toString();
        Path theirs = Files.createDirectories(work.resolve("theirs/latchkey"));
        Path marker = work.resolve("ran-their-java");
        Path fake = work.resolve("theirs/fake-java");
        Files.writeString(fake, "#!/bin/sh\ntouch " + marker + "\nexit 1\n");
        Files.setPosixFilePermissions(
                fake, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.writeString(theirs.resolve("java"), fake + "\n");
        for (Path p : List.of(theirs, theirs.resolve("java"), theirs.getParent())) {
            Files.setAttribute(p, "unix:uid", 4242);
        }
        Run r =
                run(
                        List.of(latchkey, "--version"),
                        work,
                        Map.of("XDG_CACHE_HOME", theirs.getParent().toString()));
        assertEquals(0, r.code(), r.out());
        assertFalse(Files.exists(marker), "root ran the java a user's folder named");
        assertEquals(
                fake + "\n", Files.readString(theirs.resolve("java")), "nothing written there");

        // Root's own folder, where a link stands in the java file's place: replaced, not followed.
        Path mine = Files.createDirectories(work.resolve("mine/latchkey"));
        Path target = Files.writeString(work.resolve("not-to-be-written"), "keep\n");
        Files.createSymbolicLink(mine.resolve("java"), target);
        Run own =
                run(
                        List.of(latchkey, "--version"),
                        work,
                        Map.of("XDG_CACHE_HOME", mine.getParent().toString()));
        assertEquals(0, own.code(), own.out());
        assertEquals("keep\n", Files.readString(target));
        assertFalse(
                Files.isSymbolicLink(mine.resolve("java")), "the link replaced by the java found");
    }

    /** What the JVM logged of its class cache in one run of {@code latchkey --version}. */
    private static String cacheLog(String latchkey, Path user, String logOption, Path log)
            throws Exception {
        Files.deleteIfExists(log);
        Run r =
                run(
                        List.of(latchkey, "--version"),
                        work,
                        Map.of("XDG_CACHE_HOME", user.toString(), "JAVA_TOOL_OPTIONS", logOption));
        assertEquals(0, r.code(), r.out());
        return Files.readString(log);
    }

    static List<Path> cacheFiles(Path dir) throws Exception {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().matches("cli\\.\\d+\\.(aot|jsa)"))
                    .toList();
        }
    }

    @Test
    void launchersFromTheUnpackedPackage_initServeGrantAndVerifyTheAudit() throws Exception {
        String latchkey = root.resolve("usr/bin/latchkey").toString();
        Path door = work.resolve("door");
        Run init =
                run(
                        List.of(
                                latchkey,
                                "init",
                                "--config-dir",
                                door.toString(),
                                "--lock-id",
                                "front-door",
                                "--driver",
                                "simulated",
                                "--no-passphrase"),
                        work);
        assertEquals(0, init.code(), init.out());
        assertFalse(
                init.out().contains("AOT") || init.out().contains("Picked up"),
                "no cache messages: " + init.out());
        Path config = door.resolve("latchkey.toml");
        ProcessBuilder daemonProcess =
                new ProcessBuilder(
                                root.resolve("usr/bin/latchkeyd").toString(),
                                "--config",
                                config.toString(),
                                "--simulate",
                                "--port",
                                "0")
                        .redirectError(ProcessBuilder.Redirect.DISCARD);
        daemonProcess.environment().put("XDG_CACHE_HOME", work.resolve("cache").toString());
        Process daemon = daemonProcess.start();
        try {
            String line =
                    new BufferedReader(
                                    new InputStreamReader(
                                            daemon.getInputStream(), StandardCharsets.UTF_8))
                            .readLine();
            Matcher m = Pattern.compile("ready on (http://\\S+)").matcher(String.valueOf(line));
            assertTrue(m.find(), "no ready line: " + line);
            String url = m.group(1);
            Run token =
                    run(
                            List.of(
                                    latchkey,
                                    "token",
                                    "issue",
                                    "--key",
                                    door.resolve("owner.key").toString(),
                                    "--config",
                                    door.resolve("latchkey.toml").toString(),
                                    "--role",
                                    "guest",
                                    "--sub",
                                    "from the package",
                                    "--once",
                                    "--for",
                                    "1h"),
                            work);
            assertEquals(0, token.code(), token.out());
            String text =
                    token.out()
                            .lines()
                            .filter(l -> l.startsWith("v4.public."))
                            .findFirst()
                            .orElseThrow();
            // The door locks its bolt as it starts (BUSY meanwhile): present once it is locked.
            HttpClient http = HttpClient.newHttpClient();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!http.send(
                            HttpRequest.newBuilder(URI.create(url + "/v1/status")).build(),
                            HttpResponse.BodyHandlers.ofString())
                    .body()
                    .contains("\"state\":\"LOCKED\"")) {
                assertTrue(System.nanoTime() < deadline, "the door did not lock within 30 s");
                Thread.sleep(50);
            }
            HttpResponse<String> r =
                    http.send(
                            HttpRequest.newBuilder(URI.create(url + "/v1/access"))
                                    .header("Content-Type", "text/plain")
                                    .POST(HttpRequest.BodyPublishers.ofString(text))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode(), r.body());
            Run status = run(List.of(latchkey, "status", "--url", url), work);
            assertEquals(0, status.code(), status.out());
        } finally {
            daemon.destroy();
            daemon.waitFor(30, TimeUnit.SECONDS);
        }
        Run audit = run(List.of(latchkey, "audit", "verify", "--config", config.toString()), work);
        assertEquals(0, audit.code(), audit.out());
        assertTrue(audit.out().contains("audit log intact"), audit.out());
    }
}
