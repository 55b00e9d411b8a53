package org.latchkey.access;

import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import org.latchkey.token.RejectionReason;

/**
 * Counts refusals that come before a signature is known good (garbage, unknown keys, bad signatures, rate
 * limiting), so that a flood costs one summary record per period, not one record each.
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

    /** The counts since the last drain, non-zero only; empty when nothing was refused. */
    public Map<String, Object> drain() {
        Map<String, Object> out = new LinkedHashMap<>();
        counts.forEach((reason, adder) -> {
            long n = adder.sumThenReset();
            if (n > 0) {
                out.put(reason.name(), n);
            }
        });
        return out;
    }

    /** Refusals that say nothing about a real token holder: summarised rather than audited one by one. */
    public static boolean summarised(RejectionReason reason) {
        return switch (reason) {
            case MALFORMED, UNKNOWN_KEY, BAD_SIGNATURE, RATE_LIMITED -> true;
            default -> false;
        };
    }
}
