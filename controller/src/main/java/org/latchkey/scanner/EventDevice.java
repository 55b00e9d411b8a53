package org.latchkey.scanner;

import java.io.IOException;

/** An open input event device, taken exclusively. */
interface EventDevice extends AutoCloseable {
    /**
     * Waits up to {@code timeoutMillis} (-1: without end) for events and reads what is there.
     *
     * @return the number of bytes read into {@code buffer} (whole records), 0 if the time passed
     * @throws IOException the device is gone (unplugged) or failed
     */
    int read(byte[] buffer, int timeoutMillis) throws IOException;

    @Override
    void close();

    /** Opens a device by path. */
    @FunctionalInterface
    interface Opener {
        EventDevice open(java.nio.file.Path path) throws IOException;
    }
}
