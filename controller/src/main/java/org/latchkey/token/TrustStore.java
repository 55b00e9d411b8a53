package org.latchkey.token;

import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The keys the door trusts, by key id. A key is never taken from a token itself. */
public final class TrustStore {
    private final Map<String, TrustedIssuer> byKid;

    private TrustStore(Map<String, TrustedIssuer> byKid) {
        this.byKid = byKid;
    }

    /**
     * @throws IllegalArgumentException when a key or a name appears twice
     */
    public static TrustStore of(List<TrustedIssuer> issuers) {
        Map<String, TrustedIssuer> map = new LinkedHashMap<>();
        for (TrustedIssuer issuer : issuers) {
            TrustedIssuer previous = map.putIfAbsent(issuer.kid(), issuer);
            if (previous != null) {
                throw new IllegalArgumentException(
                        "issuers '"
                                + previous.name()
                                + "' and '"
                                + issuer.name()
                                + "' have the same public key");
            }
        }
        long names = issuers.stream().map(TrustedIssuer::name).distinct().count();
        if (names != issuers.size()) {
            throw new IllegalArgumentException("two issuers have the same name");
        }
        return new TrustStore(Collections.unmodifiableMap(map));
    }

    public Optional<TrustedIssuer> find(String kid) {
        return Optional.ofNullable(byKid.get(kid));
    }

    public Collection<TrustedIssuer> issuers() {
        return byKid.values();
    }
}
