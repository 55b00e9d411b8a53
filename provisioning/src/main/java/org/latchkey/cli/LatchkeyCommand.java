package org.latchkey.cli;

import org.latchkey.token.TokenRejectedException;

import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** The root of {@code latchkey}: subcommands only. */
@Command(
        name = "latchkey",
        mixinStandardHelpOptions = true,
        versionProvider = LatchkeyCommand.Version.class,
        description = "Provision and operate a latchkey door: keys, tokens, configuration.",
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
        return commandLine(context, COMMANDS);
    }

    /**
     * The command line for these arguments. Building a command's model (picocli reads every
     * annotation) is most of a short command's start-up, so only the command the arguments name is
     * built; help, a bare {@code latchkey} and anything unknown get them all (to list them, or to
     * suggest one).
     */
    public static CommandLine commandLine(CliContext context, String... args) {
        return commandLine(context, needed(args));
    }

    /** The top-level commands, in the order help lists them. */
    static final List<Class<?>> COMMANDS =
            List.of(
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
                    CommandLine.HelpCommand.class);

    static List<Class<?>> needed(String... args) {
        for (String a : args) {
            if (a.startsWith("-")) {
                continue;
            }
            return COMMANDS.stream()
                    .filter(c -> c != CommandLine.HelpCommand.class && names(c).contains(a))
                    .findFirst()
                    .<List<Class<?>>>map(List::of)
                    .orElse(COMMANDS);
        }
        boolean versionOnly =
                args.length > 0
                        && Arrays.stream(args)
                                .allMatch(a -> a.equals("-V") || a.equals("--version"));
        return versionOnly ? List.of() : COMMANDS;
    }

    private static List<String> names(Class<?> command) {
        Command c = command.getAnnotation(Command.class);
        List<String> names = new ArrayList<>(List.of(c.aliases()));
        names.add(c.name());
        return names;
    }

    private static CommandLine commandLine(CliContext context, List<Class<?>> commands) {
        Factory factory = new Factory(context);
        CommandLine cl = new CommandLine(new LatchkeyCommand(context), factory);
        for (Class<?> c : commands) {
            try {
                cl.addSubcommand(factory.create(c));
            } catch (Exception e) {
                throw new IllegalStateException("cannot build the command " + c.getName(), e);
            }
        }
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
