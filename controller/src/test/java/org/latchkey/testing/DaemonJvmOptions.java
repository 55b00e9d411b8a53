package org.latchkey.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The daemon's JVM options as its launchers give them
 * (provisioning/src/deb/bin/latchkeyd.jvm-options, the one list): one option a line, "#" comments,
 * "N+ OPTION" only for Java N and newer.
 */
public final class DaemonJvmOptions {
    private DaemonJvmOptions() {}

    public static List<String> read(Path file, int feature) {
        List<String> out = new ArrayList<>();
        try {
            for (String raw : Files.readAllLines(file)) {
                String line = raw.replaceFirst("#.*", "").strip();
                if (line.isEmpty()) {
                    continue;
                }
                String[] words = line.split("\\s+", 2);
                if (words[0].matches("\\d+\\+")) {
                    if (feature >= Integer.parseInt(words[0].substring(0, words[0].length() - 1))) {
                        out.add(words[1]);
                    }
                } else {
                    out.add(words[0]);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(file.toAbsolutePath().toString(), e);
        }
        return List.copyOf(out);
    }
}
