package org.latchkey.web;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The owner's app ("latchkey pass"): one flat folder of built files, looked up by a plain file name
 * only — no folders, no dots first, a known extension — so no request can name anything else.
 */
public interface AppFiles {
    /** Where the bundle lives on the classpath (the provisioning jar). */
    String RESOURCE_DIR = "latchkey-pass/";

    Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_-]{0,63}(\\.[a-z0-9]{1,11}){1,2}");

    Map<String, String> TYPES =
            Map.of(
                    "html", "text/html; charset=utf-8",
                    "js", "text/javascript; charset=utf-8",
                    "mjs", "text/javascript; charset=utf-8",
                    "css", "text/css; charset=utf-8",
                    "svg", "image/svg+xml",
                    "png", "image/png",
                    "webmanifest", "application/manifest+json",
                    "json", "application/json",
                    "txt", "text/plain; charset=utf-8");

    /** A file's bytes and type, or empty when there is no such file (or the name is not one). */
    Optional<File> file(String name) throws IOException;

    record File(byte[] bytes, String type) {}

    /** The content type for a file name, if it is one the app may have. */
    static Optional<String> typeOf(String name) {
        if (!NAME.matcher(name).matches()) {
            return Optional.empty();
        }
        return Optional.ofNullable(TYPES.get(name.substring(name.lastIndexOf('.') + 1)));
    }

    /** The bundle on the classpath, as packaged. */
    static AppFiles onClasspath() {
        return name -> {
            Optional<String> type = typeOf(name);
            if (type.isEmpty()) {
                return Optional.empty();
            }
            try (InputStream in =
                    AppFiles.class.getClassLoader().getResourceAsStream(RESOURCE_DIR + name)) {
                return in == null
                        ? Optional.empty()
                        : Optional.of(new File(in.readAllBytes(), type.get()));
            }
        };
    }

    /** A folder of built files (a development build). */
    static AppFiles in(Path dir) {
        return name -> {
            Optional<String> type = typeOf(name);
            Path f = dir.resolve(name);
            if (type.isEmpty() || !Files.isRegularFile(f)) {
                return Optional.empty();
            }
            return Optional.of(new File(Files.readAllBytes(f), type.get()));
        };
    }
}
