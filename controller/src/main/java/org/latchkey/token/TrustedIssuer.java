package org.latchkey.token;

import java.util.Objects;

/** A key the door trusts, with its name (for people and the audit log) and its policy. */
public record TrustedIssuer(String name, PublicKey key, IssuerPolicy policy) {
    public TrustedIssuer {
        Objects.requireNonNull(key);
        Objects.requireNonNull(policy);
        if (name == null
                || name.isBlank()
                || name.length() > 64
                || name.chars().anyMatch(c -> c < 0x20 || c == 0x7F)) {
            throw new IllegalArgumentException("an issuer name is 1–64 printable characters");
        }
    }

    public String kid() {
        return key.pid();
    }
}
