package org.latchkey.door;

/**
 * Conditions outside the door's cycle that it reports as alarms; STORE_UNAVAILABLE also narrows who
 * may enter.
 */
public enum Condition {
    /**
     * The wall clock cannot be trusted (docs/token-profile.md, Time): tokens of clock-bound roles
     * are refused.
     */
    CLOCK_UNTRUSTED(Alarm.CLOCK_UNTRUSTED),
    /**
     * The state directory cannot be written (full or read-only): owner tokens only, once tokens
     * refused.
     */
    STORE_UNAVAILABLE(Alarm.STORE_UNAVAILABLE),
    /** Something in the state directory could not be read at start and was kept aside. */
    STATE_DAMAGED(Alarm.STATE_DAMAGED),
    /**
     * The installed revocation list's signer is no longer trusted: the list stays in force until a
     * newer one.
     */
    REVOCATION_SIGNER_UNTRUSTED(Alarm.REVOCATION_SIGNER_UNTRUSTED),
    /** A light or the buzzer could not be driven; grants and relocks go on. */
    FEEDBACK_FAULT(Alarm.FEEDBACK_FAULT);

    private final Alarm alarm;

    Condition(Alarm alarm) {
        this.alarm = alarm;
    }

    public Alarm alarm() {
        return alarm;
    }
}
