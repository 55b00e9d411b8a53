package org.latchkey.fuzz;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;

import org.latchkey.config.ConfigException;
import org.latchkey.config.DeviceConfig;
import org.latchkey.config.DeviceConfigLoader;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * The TOML config loader on any text: a config with an owner, or a ConfigException naming the file.
 */
class ConfigFuzzTest {
    private static final Path FILE = Path.of("/etc/latchkey/latchkey.toml");

    @FuzzTest
    void load(byte[] input) {
        String text = new String(input, StandardCharsets.UTF_8);
        try {
            DeviceConfig c = DeviceConfigLoader.parse(FILE, text);
            assertTrue(
                    c.trustStore().issuers().stream().anyMatch(i -> i.policy().isOwner()),
                    "an owner is trusted");
            assertTrue(c.door().maxUnlocked().compareTo(c.door().unlockWait()) >= 0);
        } catch (ConfigException e) {
            assertTrue(e.getMessage().startsWith(FILE + ": "), e.getMessage());
        }
    }
}
