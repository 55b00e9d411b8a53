package org.latchkey.config;

import java.util.Optional;

/**
 * The owner's app served on the home network over HTTPS ({@code [web]}, opt-in: without the section
 * nothing listens beyond the loopback API).
 *
 * @param hostname the name in the certificate, as {@code <hostname>.local}; empty: this machine's
 */
public record WebSettings(String bind, int port, Optional<String> hostname) {
    public static final int DEFAULT_PORT = 8443;
}
