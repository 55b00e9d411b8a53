package org.latchkey.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.zxing.BinaryBitmap;
import com.google.zxing.RGBLuminanceSource;
import com.google.zxing.common.HybridBinarizer;
import com.google.zxing.qrcode.QRCodeReader;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;

import javax.imageio.ImageIO;

/** --qr and --png produce codes that decode back to exactly the token. */
class QrCodeTest {
    @TempDir Path dir;

    final CliRun cli = new CliRun();

    private String decode(BufferedImage img) throws Exception {
        int[] px = img.getRGB(0, 0, img.getWidth(), img.getHeight(), null, 0, img.getWidth());
        // A rendered code is a pure barcode (no perspective, no noise): tell the reader so.
        return new QRCodeReader()
                .decode(
                        new BinaryBitmap(
                                new HybridBinarizer(
                                        new RGBLuminanceSource(
                                                img.getWidth(), img.getHeight(), px))),
                        java.util.Map.of(
                                com.google.zxing.DecodeHintType.PURE_BARCODE, Boolean.TRUE))
                .getText();
    }

    @Test
    void pngAndTerminalCodes_decodeToTheToken() throws Exception {
        assertEquals(
                0,
                cli.run(
                                "keys",
                                "generate",
                                "--out",
                                dir.toString(),
                                "--name",
                                "owner",
                                "--no-passphrase")
                        .code());
        Path png = dir.resolve("token.png");
        CliRun.Result r =
                cli.run(
                        "token",
                        "issue",
                        "--key",
                        dir.resolve("owner.key").toString(),
                        "--lock",
                        org.latchkey.testing.TestDoor.DOOR_ID,
                        "--role",
                        "guest",
                        "--sub",
                        "cleaner",
                        "--window",
                        "--for",
                        "2h",
                        "--qr",
                        "--png",
                        png.toString());
        assertEquals(0, r.code(), r.err());
        List<String> lines = r.out().lines().toList();
        String token = lines.get(lines.size() - 1);
        assertTrue(token.startsWith("v4.public."));
        assertEquals(token, decode(ImageIO.read(png.toFile())));
        assertEquals(token, decode(fromTerminal(lines.subList(0, lines.size() - 1))));
        assertEquals(
                ExitCode.FAILED,
                cli.run(
                                "token",
                                "issue",
                                "--key",
                                dir.resolve("owner.key").toString(),
                                "--lock",
                                org.latchkey.testing.TestDoor.DOOR_ID,
                                "--role",
                                "guest",
                                "--sub",
                                "x",
                                "--window",
                                "--for",
                                "2h",
                                "--png",
                                png.toString())
                        .code());
    }

    /** Rebuilds the modules from the half-block characters: a full block is two light modules. */
    private static BufferedImage fromTerminal(List<String> rows) {
        int scale = 6;
        int w = rows.get(0).length();
        BufferedImage img =
                new BufferedImage(w * scale, rows.size() * 2 * scale, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < rows.size(); y++) {
            for (int x = 0; x < w; x++) {
                char c = rows.get(y).charAt(x);
                boolean topDark = c == ' ' || c == '▄';
                boolean bottomDark = c == ' ' || c == '▀';
                fill(img, x, 2 * y, topDark, scale);
                fill(img, x, 2 * y + 1, bottomDark, scale);
            }
        }
        return img;
    }

    private static void fill(BufferedImage img, int mx, int my, boolean dark, int scale) {
        for (int dy = 0; dy < scale; dy++) {
            for (int dx = 0; dx < scale; dx++) {
                img.setRGB(mx * scale + dx, my * scale + dy, dark ? 0 : 0xFFFFFF);
            }
        }
    }
}
