package org.latchkey.hal;

/** The hardware cannot be used; the message says what an installer should do about it. */
public final class HalException extends Exception {
    public HalException(String message) {
        super(message);
    }

    public HalException(String message, Throwable cause) {
        super(message, cause);
    }
}
