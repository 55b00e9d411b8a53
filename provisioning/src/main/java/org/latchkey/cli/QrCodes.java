package org.latchkey.cli;

import com.google.zxing.BarcodeFormat;
import com.google.zxing.EncodeHintType;
import com.google.zxing.WriterException;
import com.google.zxing.common.BitMatrix;
import com.google.zxing.qrcode.QRCodeWriter;
import com.google.zxing.qrcode.decoder.ErrorCorrectionLevel;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

import javax.imageio.ImageIO;

/**
 * Tokens as QR codes, for a guest's phone or a courier's scanner: in the terminal, or as a PNG
 * image.
 */
final class QrCodes {
    private static final int QUIET_ZONE = 2;
    private static final int PNG_MODULE_PIXELS = 8;

    private QrCodes() {}

    static BitMatrix encode(String text) {
        try {
            // Level M: a phone screen or a print survives a little damage; tokens still fit
            // comfortably.
            return new QRCodeWriter()
                    .encode(
                            text,
                            BarcodeFormat.QR_CODE,
                            0,
                            0,
                            Map.of(
                                    EncodeHintType.ERROR_CORRECTION,
                                    ErrorCorrectionLevel.M,
                                    EncodeHintType.MARGIN,
                                    QUIET_ZONE));
        } catch (WriterException e) {
            throw new IllegalStateException("token does not fit a QR code", e);
        }
    }

    /**
     * Two rows of modules per line with Unicode half blocks, light modules drawn (for the usual
     * light-on-dark terminal), so the code appears dark on light as scanners expect.
     */
    static String terminal(BitMatrix m) {
        StringBuilder sb = new StringBuilder();
        for (int y = 0; y < m.getHeight(); y += 2) {
            for (int x = 0; x < m.getWidth(); x++) {
                boolean topDark = m.get(x, y);
                boolean bottomDark = y + 1 < m.getHeight() ? m.get(x, y + 1) : false;
                sb.append(topDark ? (bottomDark ? ' ' : '▄') : (bottomDark ? '▀' : '█'));
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    static void png(BitMatrix m, Path file) throws IOException {
        int w = m.getWidth() * PNG_MODULE_PIXELS;
        int h = m.getHeight() * PNG_MODULE_PIXELS;
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_BINARY);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                img.setRGB(
                        x,
                        y,
                        m.get(x / PNG_MODULE_PIXELS, y / PNG_MODULE_PIXELS) ? 0x000000 : 0xFFFFFF);
            }
        }
        // The image is a bearer credential: created owner-only, before a byte of it is written.
        java.nio.file.Files.createFile(
                file,
                java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                        java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
        try (java.io.OutputStream out = java.nio.file.Files.newOutputStream(file)) {
            if (!ImageIO.write(img, "png", out)) {
                throw new IOException("no PNG writer available");
            }
        }
    }
}
