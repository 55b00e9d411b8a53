package org.latchkey.config;

import org.latchkey.door.DoorSettings;
import org.latchkey.hal.HalConfig;
import org.latchkey.token.ClockRules;
import org.latchkey.token.TrustStore;

import java.nio.file.Path;
import java.time.ZoneId;
import java.util.Objects;
import java.util.Optional;

/**
 * The door's configuration, loaded from {@code latchkey.toml} by {@link DeviceConfigLoader}.
 *
 * @param source the file it came from
 * @param lockId this door's id: tokens must carry it as {@code aud}
 * @param fleetId the fleet this door belongs to: revocation lists for the fleet carry it as {@code
 *     aud}
 * @param zone local time for weekly hours
 * @param clock skew and which roles need a trusted clock
 * @param batteryBackedRtc the installer declared a battery-backed real-time clock
 * @param trustStore the trusted issuers
 * @param hal the door's hardware
 * @param door timers, mode and camera policy
 * @param api the local HTTP API
 * @param scanner the door's QR scanner, serial or keyboard-mode
 * @param stateDir where the one-time store, time floor, revocations and audit log live
 * @param auditMaxBytes the audit log's files together stay within this; the oldest are removed
 * @param mqtt the MQTT bridge; empty: off
 */
public record DeviceConfig(
        Path source,
        String lockId,
        Optional<String> fleetId,
        ZoneId zone,
        ClockRules clock,
        boolean batteryBackedRtc,
        TrustStore trustStore,
        HalConfig hal,
        DoorSettings door,
        ApiSettings api,
        Optional<ScannerSettings> scanner,
        Path stateDir,
        long auditMaxBytes,
        Optional<MqttSettings> mqtt,
        Optional<WebSettings> web) {
    public DeviceConfig {
        Objects.requireNonNull(source);
        Objects.requireNonNull(lockId);
        Objects.requireNonNull(fleetId);
        Objects.requireNonNull(zone);
        Objects.requireNonNull(clock);
        Objects.requireNonNull(trustStore);
        Objects.requireNonNull(hal);
        Objects.requireNonNull(door);
        Objects.requireNonNull(api);
        Objects.requireNonNull(scanner);
        Objects.requireNonNull(stateDir);
        Objects.requireNonNull(mqtt);
        Objects.requireNonNull(web);
    }
}
