package org.latchkey.cli;

import org.latchkey.token.TokenRejectedException;

import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.PrintWriter;

/** The root of {@code latchkey}: subcommands only. */
@Command(
        name = "latchkey",
        mixinStandardHelpOptions = true,
        versionProvider = LatchkeyCommand.Version.class,
        description = "Provision and operate a latchkey door: keys, tokens, configuration.",
        subcommands = {
            InitCommand.class,
            KeysCommand.class,
            TokenCommand.class,
            IssuerCommand.class,
            RevokeCommand.class,
            StatusCommand.class,
            HwTestCommand.class,
            AuditCommand.class,
            MqttCommand.class,
            org.latchkey.bench.BenchCommand.class,
            CommandLine.HelpCommand.class
        },
        footerHeading = "%nExit codes:%n")
public final class LatchkeyCommand {
    final CliContext context;

    LatchkeyCommand(CliContext context) {
        this.context = context;
    }

    /**
     * The configured command line: the factory hands every command the context, errors map to exit
     * codes.
     */
    public static CommandLine commandLine(CliContext context) {
        LatchkeyCommand root = new LatchkeyCommand(context);
        CommandLine cl = new CommandLine(root, new Factory(context));
        cl.getCommandSpec().usageMessage().footer(ExitCode.footer());
        cl.setExecutionExceptionHandler(LatchkeyCommand::handle);
        return cl;
    }

    private static int handle(Exception e, CommandLine cl, CommandLine.ParseResult parsed) {
        PrintWriter err = cl.getErr();
        return switch (e) {
            case CliException ce -> {
                err.println("latchkey: " + ce.getMessage());
                yield ce.exitCode();
            }
            case TokenRejectedException re -> {
                err.println("rejected: " + re.reason());
                err.println(re.detail());
                yield ExitCode.REJECTED;
            }
            case java.io.IOException io -> {
                err.println("latchkey: " + io.getMessage());
                yield ExitCode.FAILED;
            }
            default -> {
                err.println("latchkey: internal error: " + e);
                yield ExitCode.INTERNAL;
            }
        };
    }

    /** Builds commands with the context: those that need it take it in their constructor. */
    private record Factory(CliContext context) implements CommandLine.IFactory {
        @Override
        public <K> K create(Class<K> cls) throws Exception {
            try {
                return cls.getDeclaredConstructor(CliContext.class).newInstance(context);
            } catch (NoSuchMethodException e) {
                return CommandLine.defaultFactory().create(cls);
            }
        }
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = LatchkeyCommand.class.getPackage().getImplementationVersion();
            return new String[] {
                "latchkey " + (v == null ? "(development build)" : v),
                "Java ${java.version} (${java.vendor})"
            };
        }
    }
}
