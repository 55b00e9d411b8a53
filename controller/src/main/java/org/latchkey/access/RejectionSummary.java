package org.latchkey.access;

import org.latchkey.token.RejectionReason;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts the refusals that are not audited one by one (see {@link AccessGate}'s rule), so that a
 * flood costs one summary record per period, not one record each.
 */
public final class RejectionSummary {
    private final Map<RejectionReason, LongAdder> counts = new EnumMap<>(RejectionReason.class);

    public RejectionSummary() {
        for (RejectionReason r : RejectionReason.values()) {
            counts.put(r, new LongAdder());
        }
    }

    public void count(RejectionReason reason) {
        counts.get(reason).increment();
    }

    /**
     * The counts since the last drain, non-zero only, in the reasons' order; empty when nothing was
     * refused.
     */
    public Map<RejectionReason, Long> drain() {
        Map<RejectionReason, Long> out = new EnumMap<>(RejectionReason.class);
        counts.forEach(
                (reason, adder) -> {
                    long n = adder.sumThenReset();
                    if (n > 0) {
                        out.put(reason, n);
                    }
                });
        return out;
    }
}
