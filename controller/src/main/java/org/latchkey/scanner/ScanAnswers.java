package org.latchkey.scanner;

import org.latchkey.feedback.Answer;
import org.tinylog.Logger;

import java.util.EnumMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Presents what a scanner read and hands the door's answer to its lights and buzzer. Grants are
 * logged; refusals are summarised by the gate; codes dropped before the gate are counted here.
 */
public final class ScanAnswers implements Consumer<Scan> {
    /**
     * A code dropped before the gate: one that lost events may be fine scanned again; one too long
     * or undecodable (a scanner on the wrong keyboard layout) will not be.
     */
    static Answer answerTo(Scan.Dropped dropped) {
        return dropped.why() == Scan.Why.EVENTS_LOST ? Answer.TRY_AGAIN : Answer.REFUSED;
    }

    private final ScannerInput.Presenter gate;
    private final Consumer<Answer> feedback;
    private final Map<Scan.Why, Long> dropped = new EnumMap<>(Scan.Why.class);

    public ScanAnswers(ScannerInput.Presenter gate, Consumer<Answer> feedback) {
        this.gate = gate;
        this.feedback = feedback;
    }

    @Override
    public void accept(Scan scan) {
        switch (scan) {
            case Scan.Code code -> present(code.text());
            case Scan.Dropped d -> {
                long n = dropped.merge(d.why(), 1L, Long::sum);
                if (n == 1 || n % 1000 == 0) {
                    Logger.warn("dropped {} scanned code(s): {}", n, describe(d.why()));
                }
                feedback.accept(answerTo(d));
            }
        }
    }

    /**
     * Not waited for: the reader goes on reading (the kernel keeps only a few dozen events for it),
     * and the answer reaches the lights when it comes.
     */
    private void present(String text) {
        gate.present(text, "scanner")
                .whenComplete(
                        (o, e) -> {
                            if (o != null && o.granted()) {
                                Logger.info("scanner token granted");
                            }
                            feedback.accept(o == null ? Answer.TRY_AGAIN : Answer.of(o));
                        });
    }

    private static String describe(Scan.Why why) {
        return switch (why) {
            case OVERLONG -> "longer than a token (" + ScannerInput.MAX_CODE + " bytes)";
            case UNDECODABLE ->
                    "keys that type nothing a token holds (is the scanner set to the US keyboard"
                            + " layout?)";
            case EVENTS_LOST -> "events lost (the kernel's buffer overflowed)";
        };
    }
}
