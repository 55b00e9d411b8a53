package org.latchkey.mqtt;

import org.latchkey.config.MqttSettings;
import org.latchkey.config.PemFiles;

import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.TrustManagerFactory;

/**
 * The trust and the client identity for the broker's TLS, from the PEM files the config names. The
 * broker's host name is always checked against its certificate (the client's default; nothing here
 * turns it off).
 */
final class BrokerTls {
    private BrokerTls() {}

    /** The configured CA, or empty for the system's trust store. */
    static Optional<TrustManagerFactory> trust(MqttSettings s) throws GeneralSecurityException {
        if (s.caFile().isEmpty()) {
            return Optional.empty();
        }
        KeyStore store = KeyStore.getInstance("PKCS12");
        try {
            store.load(null, null);
        } catch (java.io.IOException e) {
            throw new GeneralSecurityException(e);
        }
        int i = 0;
        for (X509Certificate c : PemFiles.certificates(s.caFile().get())) {
            store.setCertificateEntry("ca-" + i++, c);
        }
        TrustManagerFactory f =
                TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        f.init(store);
        return Optional.of(f);
    }

    /** The client certificate and key for mutual TLS, when configured. */
    static Optional<KeyManagerFactory> identity(MqttSettings s) throws GeneralSecurityException {
        if (s.clientCert().isEmpty() || s.clientKey().isEmpty()) {
            return Optional.empty();
        }
        List<X509Certificate> chain = PemFiles.certificates(s.clientCert().get());
        PrivateKey key = PemFiles.privateKey(s.clientKey().get());
        // An in-memory store needs a password; a random one never leaves this method.
        byte[] random = new byte[16];
        new SecureRandom().nextBytes(random);
        char[] password = HexFormat.of().formatHex(random).toCharArray();
        KeyStore store = KeyStore.getInstance("PKCS12");
        try {
            store.load(null, null);
        } catch (java.io.IOException e) {
            throw new GeneralSecurityException(e);
        }
        store.setKeyEntry("client", key, password, chain.toArray(X509Certificate[]::new));
        KeyManagerFactory f =
                KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        f.init(store, password);
        return Optional.of(f);
    }
}
