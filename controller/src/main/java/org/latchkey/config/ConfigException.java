package org.latchkey.config;

import java.nio.file.Path;

/**
 * A device configuration that cannot be used, with the file, the line or key, and what is wrong.
 */
public final class ConfigException extends Exception {
    public ConfigException(Path file, String where, String problem) {
        super(file + ": " + where + ": " + problem);
    }
}
