package org.latchkey.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.latchkey.testing.DaemonProcess;
import org.latchkey.testing.OsTools;
import org.latchkey.web.WebCertificate;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.File;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.cert.X509Certificate;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The owner's app ("latchkey pass") in a real browser — Debian's chromium, driven by Selenium
 * through Debian's chromium-driver — against a real latchkeyd --simulate serving it over HTTPS, the
 * door's certificate trusted by the browser (a throwaway NSS database), at a phone's viewport: the
 * owner's whole round, from a new key to an offline reload.
 */
class PassAppBrowserIT {
    private static final ZoneId ZONE = ZoneId.of("Europe/Berlin");

    /** Where the screenshots go: checked here, and looked at by people. */
    static final Path SHOTS = Path.of("target", "pass-app-screens");

    @TempDir Path dir;

    private DaemonProcess daemon;
    private ChromeDriver browser;

    @AfterEach
    void stop() throws Exception {
        if (browser != null) {
            browser.quit();
        }
        if (daemon != null && daemon.process.isAlive()) {
            daemon.process.destroy();
            daemon.process.waitFor(20, TimeUnit.SECONDS);
        }
    }

    @Test
    void theOwnersRound_fromANewKeyToAnOfflineReload() throws Exception {
        Path chromium = OsTools.require("chromium", "chromium");
        Path driver = OsTools.require("chromedriver", "chromium-driver");
        Path certutil = OsTools.require("certutil", "libnss3-tools");
        Files.createDirectories(SHOTS);

        // A door, as the installer makes it, with the app served on the home network.
        CliProcess.Result init =
                CliProcess.run(
                        "022",
                        dir,
                        "init",
                        "--config-dir",
                        dir.toString(),
                        "--lock-id",
                        "front-door",
                        "--driver",
                        "simulated",
                        "--timezone",
                        ZONE.getId(),
                        "--no-passphrase");
        assertEquals(0, init.code(), init.err());
        Path config = dir.resolve("latchkey.toml");
        int webPort = freePort();
        Files.writeString(
                config,
                Files.readString(config)
                        + "\n[web]\nport = "
                        + webPort
                        + "\nhostname = \"door\"\n");
        daemon = DaemonProcess.start(config, dir.resolve("latchkeyd.log"));
        String api = "http://127.0.0.1:" + daemon.port;

        // The browser trusts the door's certificate as an owner would after checking its
        // fingerprint: in its NSS database, as a trusted peer.
        X509Certificate cert = WebCertificate.read(dir.resolve("state")).orElseThrow();
        Path home = Files.createDirectories(dir.resolve("home"));
        Path nss = Files.createDirectories(home.resolve(".pki/nssdb"));
        Path pem = dir.resolve("door.pem");
        Files.writeString(
                pem,
                "-----BEGIN CERTIFICATE-----\n"
                        + Base64.getMimeEncoder().encodeToString(cert.getEncoded())
                        + "\n-----END CERTIFICATE-----\n");
        run(certutil.toString(), "-N", "-d", "sql:" + nss, "--empty-password");
        run(
                certutil.toString(),
                "-A",
                "-d",
                "sql:" + nss,
                "-t",
                "P,,",
                "-n",
                "latchkey-door",
                "-i",
                pem.toString());
        browser = phone(chromium, driver, home);
        String origin = "https://door.local:" + webPort + "/";
        browser.get(origin);
        awaitJs("return document.documentElement.dataset.ready === 'true'");
        assertEquals(
                Boolean.TRUE,
                js("return window.isSecureContext"),
                "a secure context: the certificate is trusted, not ignored");
        checkLayout("1-first-start");

        // 1. A key made in the browser, its private half not extractable.
        click("create-key");
        awaitJs("return document.getElementById('my-key').textContent.startsWith('k4.public.')");
        String phoneKey = text("my-key");
        assertTrue(text("enrol-command").contains(phoneKey), text("enrol-command"));
        setValue("phone-name", "anna-phone");

        // 2. Enrolled at installation: one command on the door, its QR imported by the phone.
        CliProcess.Result enrol =
                CliProcess.run(
                        "022",
                        dir,
                        "issuer",
                        "enrol",
                        "--config",
                        config.toString(),
                        "--name",
                        "anna-phone",
                        "--key",
                        phoneKey,
                        "--roles",
                        "owner",
                        "--max-window",
                        "62d",
                        "--url",
                        api);
        assertEquals(0, enrol.code(), enrol.err());
        assertTrue(enrol.out().contains("'anna-phone' enrolled"), enrol.out());
        String enrolment = lastLineStartingWith(enrol.out(), "v4.public.");

        // 3. The door card, from the door that serves the app; then the enrolment.
        awaitJs("return document.documentElement.dataset.servedByDoor === 'true'");
        click("card-fetch");
        awaitJs("return document.querySelectorAll('#doors .door').length === 1");
        String doorText = browser.findElement(By.cssSelector("#doors .door")).getText();
        assertTrue(doorText.contains("front-door"), doorText);
        assertTrue(doorText.contains(ZONE.getId()), doorText);
        setValue("import-enrolment", enrolment);
        click("import-enrolment-go");
        awaitJs("return /62 days/.test(document.getElementById('my-policy').textContent)");

        // 4. A courier tomorrow 09:00–12:00: one pass, in the door's time zone.
        LocalDate today = ZonedDateTime.now(ZONE).toLocalDate();
        String courier =
                issue(
                        "courier 4711",
                        "delivery",
                        "once",
                        today.plusDays(1) + "T09:00",
                        today.plusDays(1) + "T12:00",
                        null);
        checkLayout("2-courier-pass");
        assertQrOnScreen(courier);
        String summary = text("pass-summary");
        assertTrue(summary.contains("09:00") && summary.contains(ZONE.getId()), summary);
        // not valid before tomorrow: the door says so
        assertEquals("NOT_YET_VALID", present(courier).get("reason"));

        // 5. A once pass from now, a window pass, and two scheduled passes (the cleaner).
        ZonedDateTime now = ZonedDateTime.now(ZONE);
        String from = now.toLocalDate() + "T" + String.format("%02d:00", now.getHour());
        String once =
                issue(
                        "guest once",
                        "guest",
                        "once",
                        from,
                        now.plusHours(3).toLocalDate()
                                + "T"
                                + String.format("%02d:00", now.plusHours(3).getHour()),
                        null);
        Map<String, String> first = present(once);
        assertEquals("true", first.get("granted"), first.toString());
        assertEquals("ALREADY_USED", present(once).get("reason"));
        String window =
                issue(
                        "window guest",
                        "service",
                        "window",
                        from,
                        today.plusDays(3) + "T18:00",
                        null);
        Map<String, String> windowAnswer = present(window);
        assertEquals("true", windowAnswer.get("granted"), windowAnswer.toString());
        DayOfWeek day = now.getDayOfWeek();
        // Today and tomorrow all day (whenever the test runs) against a day that is neither.
        String inHours =
                issue(
                        "cleaner in hours",
                        "service",
                        "window",
                        from,
                        today.plusDays(60) + "T18:00",
                        List.of(day, day.plus(1)));
        checkLayout("4-cleaner-pass");
        assertQrOnScreen(inHours);
        String outside =
                issue(
                        "cleaner outside hours",
                        "service",
                        "window",
                        from,
                        today.plusDays(60) + "T18:00",
                        List.of(day.plus(3)));
        Map<String, String> inHoursAnswer = present(inHours);
        assertEquals("true", inHoursAnswer.get("granted"), inHoursAnswer.toString());
        assertEquals("OUTSIDE_HOURS", present(outside).get("reason"));

        // 6. Revoke the window pass: the list goes to the door, which refuses the pass afterwards.
        String windowJti = jtiOf(window);
        click("pass-close");
        browser.findElement(By.cssSelector(".pass[data-jti='" + windowJti + "'] .pass-revoke"))
                .click();
        browser.switchTo().alert().accept();
        awaitJs("return !document.getElementById('revocations').hidden");
        click("revocations-send");
        awaitJs(
                "return /installed/.test(document.getElementById('revocations-result')"
                        + ".textContent)");
        assertEquals("REVOKED", present(window).get("reason"));
        checkLayout("5-passes");

        // 7. A pass made by the app passes the command line's check; one made by the command line
        // reads the same in the app.
        CliProcess.Result verified =
                CliProcess.run(
                        "022", dir, "token", "verify", "--config", config.toString(), inHours);
        assertEquals(0, verified.code(), verified.err());
        assertTrue(verified.out().contains("cleaner in hours"), verified.out());
        CliProcess.Result cliPass =
                CliProcess.run(
                        "022",
                        dir,
                        "token",
                        "issue",
                        "--config",
                        config.toString(),
                        "--key",
                        dir.resolve("owner.key").toString(),
                        "--role",
                        "guest",
                        "--sub",
                        "cli guest",
                        "--window",
                        "--not-before",
                        today.plusDays(2) + " 10:00",
                        "--expires",
                        today.plusDays(2) + " 13:00",
                        "--hours",
                        "Mon-Sun 10:00-13:00");
        assertEquals(0, cliPass.code(), cliPass.err());
        setValue("read-text", lastLineStartingWith(cliPass.out(), "v4.public."));
        click("read-go");
        awaitJs("return document.getElementById('read-result').textContent.length > 0");
        String read = text("read-result");
        for (String expected :
                List.of("cli guest", "guest", "10:00", "13:00", ZONE.getId(), "Mon-Sun")) {
            assertTrue(read.contains(expected), expected + " in: " + read);
        }

        // 8. Offline: the door goes away, the app still starts, with its key and passes.
        daemon.term();
        browser.navigate().refresh();
        awaitJs("return document.documentElement.dataset.ready === 'true'");
        assertEquals(phoneKey, text("my-key"));
        assertEquals(
                5L,
                js("return document.querySelectorAll('#passes .pass').length"),
                "every pass issued is still listed");
        checkLayout("6-offline");
    }

    private String issue(
            String sub, String role, String use, String from, String until, List<DayOfWeek> days)
            throws Exception {
        if (browser.findElement(By.id("pass-view")).isDisplayed()) {
            click("pass-close");
        }
        setValue("pass-sub", sub);
        setValue("pass-role", role);
        setValue("pass-use", use);
        setValue("pass-from-date", from.substring(0, 10));
        setValue("pass-from-time", from.substring(11));
        setValue("pass-until-date", until.substring(0, 10));
        setValue("pass-until-time", until.substring(11));
        boolean weekly = days != null;
        js(
                "const b = document.getElementById('pass-weekly'); if (b.checked !== arguments[0])"
                        + " b.click();",
                weekly);
        if (weekly) {
            for (DayOfWeek d : DayOfWeek.values()) {
                String id = "pass-day-" + d.name().substring(0, 3).toLowerCase(Locale.ROOT);
                js(
                        "const b = document.getElementById(arguments[0]); if (b.checked !=="
                                + " arguments[1]) b.click();",
                        id,
                        days.contains(d));
            }
            setValue("pass-hours-from", "00:00");
            setValue("pass-hours-until", "00:00");
        }
        if (sub.equals("cleaner in hours")) {
            js("document.getElementById('pass-form').scrollIntoView({block: 'start'})");
            checkLayout("3-new-pass-form");
        }
        String before = value("pass-text");
        click("pass-issue");
        awaitJs(
                "return !document.getElementById('pass-view').hidden &&"
                        + " document.getElementById('pass-text').value.startsWith('v4.public.')"
                        + " && document.getElementById('pass-text').value !== arguments[0]",
                before);
        assertFalse(browser.findElement(By.id("pass-error")).isDisplayed(), text("pass-error"));
        return value("pass-text");
    }

    /** The door's answer to a pass presented at its API, as the scanner would present it. */
    private Map<String, String> present(String token) throws Exception {
        var json = org.latchkey.token.Json.read(daemon.present(token));
        return Map.of(
                "granted", json.path("granted").asText(),
                "reason", json.path("reason").asText(""),
                "detail", json.path("detail").asText(""));
    }

    private static ChromeDriver phone(Path chromium, Path driver, Path home) {
        ChromeDriverService service =
                new ChromeDriverService.Builder()
                        .usingDriverExecutable(driver.toFile())
                        .withEnvironment(Map.of("HOME", home.toString()))
                        .usingAnyFreePort()
                        .build();
        ChromeOptions o = new ChromeOptions().setBinary(chromium.toFile());
        o.addArguments(
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--user-data-dir=" + home.resolve("profile"),
                "--host-resolver-rules=MAP door.local 127.0.0.1");
        o.setExperimentalOption(
                "mobileEmulation",
                Map.of(
                        "deviceMetrics",
                        Map.of(
                                "width",
                                390,
                                "height",
                                844,
                                "pixelRatio",
                                3.0,
                                "mobile",
                                true,
                                "touch",
                                true)));
        return new ChromeDriver(service, o);
    }

    /**
     * At a phone's width: nothing wider than the screen, every field labelled; and a screenshot for
     * people.
     */
    private void checkLayout(String name) throws Exception {
        assertEquals(
                Boolean.FALSE,
                js(
                        "return document.documentElement.scrollWidth >"
                                + " document.documentElement.clientWidth"),
                name + ": the page is wider than the phone");
        Object unlabelled =
                js(
                        "return [...document.querySelectorAll('input,select,textarea')]"
                                + ".filter(e => e.type !== 'hidden' && e.labels.length === 0"
                                + " && !e.getAttribute('aria-label')).map(e => e.id)");
        assertEquals(List.of(), unlabelled, name + ": fields without a label");
        File shot = browser.getScreenshotAs(OutputType.FILE);
        Files.copy(
                shot.toPath(), SHOTS.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
    }

    /**
     * The whole QR code on the screen, large, where the app put it (the test scrolls nothing: a
     * scroll of its own left the code a fraction of a pixel above the screen on one CI run), and
     * what a scanner reads from it is the pass.
     */
    private void assertQrOnScreen(String pass) throws Exception {
        WebElement qr = browser.findElement(By.id("pass-qr"));
        Object where =
                js(
                        "const r = arguments[0].getBoundingClientRect(); return"
                            + " JSON.stringify({left: r.left, top: r.top, right: r.right, bottom:"
                            + " r.bottom, innerWidth, innerHeight, scrollY, height:"
                            + " document.documentElement.scrollHeight});",
                        qr);
        Object inside =
                js(
                        "const r = arguments[0].getBoundingClientRect();"
                                + " return r.width > 200 && r.left >= 0 && r.top >= 0"
                                + " && r.right <= innerWidth && r.bottom <= innerHeight;",
                        qr);
        assertEquals(Boolean.TRUE, inside, "the whole QR code on the screen, large: " + where);
        // What a scanner reads from the screen: a screenshot taken again while the decoder does not
        // find the code yet (a frame caught mid-paint; one CI run's single try gave
        // FormatException).
        String read =
                new WebDriverWait(browser, Duration.ofSeconds(15))
                        .ignoring(IllegalStateException.class)
                        .until(d -> decode(qr.getScreenshotAs(OutputType.BYTES)));
        assertEquals(pass, read, "the QR code on the screen reads as the pass");
    }

    private static String decode(byte[] png) {
        try {
            java.awt.image.BufferedImage shot =
                    javax.imageio.ImageIO.read(new java.io.ByteArrayInputStream(png));
            int[] pixels =
                    shot.getRGB(0, 0, shot.getWidth(), shot.getHeight(), null, 0, shot.getWidth());
            var bitmap =
                    new com.google.zxing.BinaryBitmap(
                            new com.google.zxing.common.HybridBinarizer(
                                    new com.google.zxing.RGBLuminanceSource(
                                            shot.getWidth(), shot.getHeight(), pixels)));
            return new com.google.zxing.qrcode.QRCodeReader().decode(bitmap).getText();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (com.google.zxing.ChecksumException | com.google.zxing.FormatException e) {
            throw new IllegalStateException("not read yet", e);
        } catch (com.google.zxing.NotFoundException e) {
            throw new IllegalStateException("not found yet", e);
        }
    }

    private void click(String id) {
        WebElement e = browser.findElement(By.id(id));
        js("arguments[0].scrollIntoView({block: 'center'})", e);
        e.click();
    }

    /** Sets a field as a person's typing would end up, with the events the app listens to. */
    private void setValue(String id, String value) {
        js(
                "const e = document.getElementById(arguments[0]); e.value = arguments[1];"
                        + " e.dispatchEvent(new Event('input', {bubbles: true}));"
                        + " e.dispatchEvent(new Event('change', {bubbles: true}));",
                id,
                value);
    }

    private String text(String id) {
        return (String) js("return document.getElementById(arguments[0]).textContent", id);
    }

    private String value(String id) {
        return (String) js("return document.getElementById(arguments[0]).value", id);
    }

    private Object js(String script, Object... args) {
        return ((JavascriptExecutor) browser).executeScript(script, args);
    }

    private void awaitJs(String script, Object... args) {
        new WebDriverWait(browser, Duration.ofSeconds(20))
                .until(d -> Boolean.TRUE.equals(js(script, args)));
    }

    private static String lastLineStartingWith(String out, String prefix) {
        return out.lines()
                .filter(l -> l.startsWith(prefix))
                .reduce((a, b) -> b)
                .orElseThrow(
                        () -> new AssertionError("no line starting " + prefix + " in:\n" + out));
    }

    private static String jtiOf(String token) throws Exception {
        byte[] all = Base64.getUrlDecoder().decode(token.split("\\.")[2]);
        String payload =
                new String(all, 0, all.length - 64, java.nio.charset.StandardCharsets.UTF_8);
        return org.latchkey.token.Json.read(payload).path("jti").asText();
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static void run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor(), String.join(" ", command) + ": " + out);
    }
}
