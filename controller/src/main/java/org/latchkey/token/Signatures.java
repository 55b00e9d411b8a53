package org.latchkey.token;

/** Facts about Ed25519 signatures shared by signing and verification. */
final class Signatures {
    static final int LENGTH = 64;

    private Signatures() {}
}
