package org.latchkey.cli;

/** The {@code latchkey} command. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        System.exit(LatchkeyCommand.commandLine(CliContext.system(), args).execute(args));
    }
}
