package org.latchkey.token;

import java.io.ByteArrayOutputStream;

/** PASETO's pre-authentication encoding, PAE: what the signature actually covers. */
final class PreAuthEncoding {
    private PreAuthEncoding() {}

    static byte[] encode(byte[]... pieces) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(64 + sum(pieces));
        writeLe64(out, pieces.length);
        for (byte[] piece : pieces) {
            writeLe64(out, piece.length);
            out.writeBytes(piece);
        }
        return out.toByteArray();
    }

    private static int sum(byte[][] pieces) {
        int n = 0;
        for (byte[] p : pieces) {
            n += p.length + 8;
        }
        return n;
    }

    // Little-endian 64-bit length with the top bit cleared, as the spec says.
    private static void writeLe64(ByteArrayOutputStream out, long n) {
        long v = n & Long.MAX_VALUE;
        for (int i = 0; i < 8; i++) {
            out.write((int) (v & 0xFF));
            v >>>= 8;
        }
    }
}
