package org.latchkey.config;

import org.latchkey.token.Role;

import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Renders pieces of a latchkey.toml: the one place that writes config text (init, issuer add, the
 * bench, tests).
 */
public final class ConfigToml {
    private ConfigToml() {}

    /** A TOML basic string. */
    public static String quote(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\t' -> sb.append("\\t");
                case '\r' -> sb.append("\\r");
                default -> {
                    if (c < 0x20 || c == 0x7F) {
                        sb.append(String.format("\\u%04X", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"').toString();
    }

    /** One {@code [[issuers]]} table, ending with a line end. */
    public static String issuer(
            String name,
            String publicKey,
            Set<Role> roles,
            Duration maxWindow,
            Optional<String> hours,
            boolean onceOnly) {
        StringBuilder block = new StringBuilder("[[issuers]]\n");
        block.append("name = ").append(quote(name)).append('\n');
        block.append("public_key = ").append(quote(publicKey)).append('\n');
        block.append("roles = [")
                .append(
                        roles.stream()
                                .sorted()
                                .map(r -> quote(r.wireName()))
                                .collect(Collectors.joining(", ")))
                .append("]\n");
        block.append("max_window = ").append(quote(Durations.format(maxWindow))).append('\n');
        hours.ifPresent(h -> block.append("hours = ").append(quote(h)).append('\n'));
        if (onceOnly) {
            block.append("once_only = true\n");
        }
        return block.toString();
    }
}
