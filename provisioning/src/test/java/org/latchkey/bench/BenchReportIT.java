package org.latchkey.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.latchkey.testing.OsTools;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import javax.imageio.ImageIO;

/**
 * The bench's HTML report, rendered by headless Chromium (Debian's chromium package): the DOM as
 * the browser built it holds every scenario's diagram, and a screenshot is taken (kept in target/
 * for people to look at).
 */
class BenchReportIT {
    @TempDir Path dir;

    private static List<String> chromium(Path profile, String... args) {
        List<String> cmd =
                new ArrayList<>(
                        List.of(
                                "chromium",
                                "--headless",
                                "--no-sandbox",
                                "--disable-gpu",
                                "--disable-quic",
                                "--no-first-run",
                                "--disable-background-networking",
                                "--disable-component-update",
                                "--disable-sync",
                                "--user-data-dir=" + profile));
        cmd.addAll(List.of(args));
        return cmd;
    }

    private static String run(List<String> cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "chromium timed out");
        assertEquals(0, p.exitValue(), "chromium failed: " + cmd);
        return out;
    }

    @Test
    void report_rendersInHeadlessChromium() throws Exception {
        OsTools.require("chromium", "chromium");
        List<Bench.Result> results = new ArrayList<>();
        Bench bench = new Bench(BenchDoor.Gpio.SIMULATED, false, new SecureRandom());
        for (Scenarios.Scenario s : Scenarios.ALL) {
            results.add(bench.run(s));
        }
        Path html = dir.resolve("bench.html");
        Report.write(results, html);

        String dom =
                run(chromium(dir.resolve("profile-dom"), "--dump-dom", html.toUri().toString()));
        assertEquals(15, dom.split("<section", -1).length - 1, "a section per scenario");
        assertEquals(15, dom.split("<svg", -1).length - 1, "a timing diagram per scenario");
        assertTrue(dom.contains("15 of 15 scenarios passed"), "the summary");
        assertTrue(dom.contains("DOOR_FORCED_OPEN") && dom.contains("LOCK_JAMMED"), "alarm lanes");
        assertTrue(
                dom.contains("receipt 1: order 1 (delivery, once) ended relocked"),
                "the visit receipts");

        Path png = Path.of("target", "bench-report.png").toAbsolutePath();
        Files.deleteIfExists(png);
        run(
                chromium(
                        dir.resolve("profile-shot"),
                        "--window-size=1100,1600",
                        "--screenshot=" + png,
                        html.toUri().toString()));
        var image = ImageIO.read(png.toFile());
        assertEquals(1100, image.getWidth());
        // Not a blank page: the diagrams' blue lines are there.
        boolean blue = false;
        for (int y = 0; y < image.getHeight() && !blue; y += 2) {
            for (int x = 0; x < image.getWidth() && !blue; x += 2) {
                int rgb = image.getRGB(x, y) & 0xFFFFFF;
                blue = rgb == 0x1F5FA8;
            }
        }
        assertTrue(blue, "the screenshot shows the diagrams");
    }
}
