package org.latchkey.config;

/**
 * The local HTTP API ({@code [api]}).
 *
 * @param rejectionsPerSecond per client: refused attempts allowed per second (with a burst of five
 *     times that)
 */
public record ApiSettings(String bind, int port, int rejectionsPerSecond) {
    public static final ApiSettings DEFAULTS = new ApiSettings("127.0.0.1", 8787, 10);
}
