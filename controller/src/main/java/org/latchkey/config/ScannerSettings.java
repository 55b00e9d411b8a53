package org.latchkey.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * The {@code [scanner]} section: the door's QR scanner.
 *
 * @param device a serial port or an input event node; which it is is found from the device
 * @param idleEnd in keyboard mode, a code with no Enter or Tab after it ends after this long
 *     without keys
 */
public record ScannerSettings(Path device, Duration idleEnd) {
    public static final Duration DEFAULT_IDLE_END = Duration.ofMillis(100);
    static final Duration MIN_IDLE_END = Duration.ofMillis(20);
    public static final Duration MAX_IDLE_END = Duration.ofSeconds(2);

    public ScannerSettings {
        Objects.requireNonNull(device);
        Objects.requireNonNull(idleEnd);
    }
}
