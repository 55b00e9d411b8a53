package org.latchkey.config;

import java.nio.file.Path;
import java.time.ZoneId;
import java.util.Objects;
import org.latchkey.hal.HalConfig;
import org.latchkey.token.ClockRules;
import org.latchkey.token.TrustStore;

/**
 * The door's configuration, loaded from {@code latchkey.toml} by {@link DeviceConfigLoader}.
 *
 * @param source the file it came from
 * @param lockId this door's id: tokens must carry it as {@code aud}
 * @param zone local time for weekly hours
 * @param clock skew and which roles need a trusted clock
 * @param batteryBackedRtc the installer declared a battery-backed real-time clock
 * @param trustStore the trusted issuers
 * @param hal the door's hardware
 */
public record DeviceConfig(
        Path source, String lockId, ZoneId zone, ClockRules clock, boolean batteryBackedRtc, TrustStore trustStore,
        HalConfig hal) {
    public DeviceConfig {
        Objects.requireNonNull(source);
        Objects.requireNonNull(lockId);
        Objects.requireNonNull(zone);
        Objects.requireNonNull(clock);
        Objects.requireNonNull(trustStore);
        Objects.requireNonNull(hal);
    }
}
