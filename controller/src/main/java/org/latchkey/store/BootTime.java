package org.latchkey.store;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * Where this boot of the machine is: its id and how long it has run (the kernel's boot clock, which
 * no wall-clock step moves and which counts a suspend). Two readings of one boot tell how much time
 * truly passed between them, across restarts of the daemon.
 *
 * @param bootId the kernel's random id of this boot; {@code ""} where it is not known (a floor
 *     written by an earlier release)
 * @param sinceBoot time since the machine booted
 */
public record BootTime(String bootId, Duration sinceBoot) {
    private static final Pattern ID = Pattern.compile("[0-9a-f-]{1,64}");

    public BootTime {
        if (!bootId.isEmpty() && !ID.matcher(bootId).matches()) {
            throw new IllegalArgumentException("not a boot id: " + bootId);
        }
    }

    /** Whether both readings come from the same boot (an unknown boot is nobody's). */
    public boolean sameBoot(BootTime other) {
        return !bootId.isEmpty() && bootId.equals(other.bootId);
    }

    /** This machine's, from {@code /proc} (Linux); elsewhere this process's own. */
    public static final Supplier<BootTime> SYSTEM = BootTime::read;

    /** Off Linux: this process stands for the boot (a restart then counts as a new boot). */
    private static final String PROCESS_BOOT = java.util.UUID.randomUUID().toString();

    private static BootTime read() {
        try {
            String id =
                    Files.readString(
                                    Path.of("/proc/sys/kernel/random/boot_id"),
                                    StandardCharsets.US_ASCII)
                            .strip();
            String uptime =
                    Files.readString(Path.of("/proc/uptime"), StandardCharsets.US_ASCII).strip();
            double seconds = Double.parseDouble(uptime.substring(0, uptime.indexOf(' ')));
            return new BootTime(id, Duration.ofMillis((long) (seconds * 1000)));
        } catch (IOException | RuntimeException e) {
            return new BootTime(PROCESS_BOOT, Duration.ofNanos(System.nanoTime()));
        }
    }
}
