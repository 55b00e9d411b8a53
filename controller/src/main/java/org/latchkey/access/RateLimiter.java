package org.latchkey.access;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Per-client token buckets for refused attempts: each refusal takes a token; an empty bucket means
 * the client's next garbage is answered RATE_LIMITED without further work. Valid tokens never wait
 * on it.
 */
public final class RateLimiter {
    private static final int MAX_CLIENTS = 4096;

    private record Bucket(double tokens, long atNanos) {}

    private final double perSecond;
    private final double burst;
    private final Supplier<Duration> monotonic;
    private final Map<String, Bucket> buckets = new HashMap<>();

    public RateLimiter(int perSecond, Supplier<Duration> monotonic) {
        this.perSecond = perSecond;
        this.burst = perSecond * 5.0;
        this.monotonic = monotonic;
    }

    /** Whether the client still has refusals to spend (does not spend one). */
    public synchronized boolean allows(String client) {
        return refill(client).tokens() >= 1;
    }

    /** Spends one refusal. */
    public synchronized void charge(String client) {
        Bucket b = refill(client);
        buckets.put(client, new Bucket(Math.max(0, b.tokens() - 1), b.atNanos()));
    }

    private Bucket refill(String client) {
        long now = monotonic.get().toNanos();
        Bucket b = buckets.get(client);
        if (b == null) {
            if (buckets.size() >= MAX_CLIENTS) {
                buckets.clear(); // bounded memory; a flood of fresh addresses just starts them full
            }
            b = new Bucket(burst, now);
        } else {
            b =
                    new Bucket(
                            Math.min(burst, b.tokens() + (now - b.atNanos()) / 1e9 * perSecond),
                            now);
        }
        buckets.put(client, b);
        return b;
    }
}
