package org.latchkey.cli;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;

/**
 * What went wrong with a file, in words: the JDK's file exceptions often carry only the path as
 * their message, and "latchkey: /etc/latchkey" tells a person nothing.
 */
final class IoProblems {
    private IoProblems() {}

    static String describe(IOException e) {
        return switch (e) {
            case AccessDeniedException a -> "permission denied: " + a.getMessage();
            case NoSuchFileException n -> "no such file or folder: " + n.getMessage();
            case FileAlreadyExistsException f -> "already exists: " + f.getMessage();
            case NotDirectoryException d -> "not a folder: " + d.getMessage();
            case DirectoryNotEmptyException d -> "the folder is not empty: " + d.getMessage();
            case FileSystemException f -> f.getMessage();
            default -> e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        };
    }

    /**
     * For a command that met a folder it may not use, and says nothing more itself: who may (not
     * said to root, for whom it would be no help).
     */
    static String hint(IOException e) {
        return e instanceof AccessDeniedException && !"root".equals(System.getProperty("user.name"))
                ? " (run it as root, e.g. with sudo, or use folders you own)"
                : "";
    }
}
