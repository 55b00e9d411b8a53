package org.latchkey.cli;

import org.latchkey.token.TokenRejectedException;

import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

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
        return build(context, all());
    }

    /**
     * The command line for these arguments. Building a command's model (picocli reads every
     * annotation of it by reflection) was most of a short command's start-up, so only the command
     * the arguments name is built, and in a group (token, issuer, …) only the subcommand named;
     * help, a bare command or group, and anything unknown get them all (to list them, or to suggest
     * one).
     */
    public static CommandLine commandLine(CliContext context, String... args) {
        return build(context, needed(args));
    }

    /** The top-level commands, in the order help lists them. */
    static final List<Class<?>> COMMANDS =
            List.of(
                    InitCommand.class,
                    DoorCommand.class,
                    KeysCommand.class,
                    TokenCommand.class,
                    IssuerCommand.class,
                    RevokeCommand.class,
                    ReceiptCommand.class,
                    ClockCommand.class,
                    StatusCommand.class,
                    HwTestCommand.class,
                    ScannerCommand.class,
                    WebCommand.class,
                    AuditCommand.class,
                    MqttCommand.class,
                    org.latchkey.bench.BenchCommand.class,
                    CommandLine.HelpCommand.class);

    /** The groups' subcommands, in the order help lists them. */
    static final Map<Class<?>, List<Class<?>>> GROUPS =
            Map.of(
                    KeysCommand.class, List.of(KeysGenerateCommand.class),
                    TokenCommand.class,
                            List.of(
                                    TokenIssueCommand.class,
                                    TokenInspectCommand.class,
                                    TokenVerifyCommand.class),
                    IssuerCommand.class,
                            List.of(
                                    IssuerCommand.Add.class,
                                    IssuerEnrolCommand.class,
                                    IssuerCommand.ListIssuers.class,
                                    IssuerCommand.Remove.class),
                    AuditCommand.class, List.of(AuditCommand.Verify.class, AuditCommand.Show.class),
                    MqttCommand.class, List.of(MqttCommand.Check.class),
                    ScannerCommand.class, List.of(ScannerCommand.Setup.class),
                    ClockCommand.class, List.of(ClockCommand.Reset.class),
                    ReceiptCommand.class,
                            List.of(ReceiptCommand.Verify.class, ReceiptCommand.ListReceipts.class),
                    DoorCommand.class,
                            List.of(
                                    DoorCommand.Key.class,
                                    DoorCommand.Endorse.class,
                                    DoorCommand.Card.class,
                                    DoorCommand.VerifyCard.class));

    /** What to build: each top-level command with the subcommands it needs. */
    static Map<Class<?>, List<Class<?>>> needed(String... args) {
        // The words before any help flag: "latchkey --help token" is the root's help, which lists
        // every command, and "latchkey token --help verify" the group's.
        List<String> words = new ArrayList<>();
        for (String a : args) {
            if (a.equals("-h") || a.equals("--help")) {
                break;
            }
            if (!a.startsWith("-")) {
                words.add(a);
            }
        }
        if (words.isEmpty()) {
            boolean versionOnly =
                    args.length > 0
                            && Arrays.stream(args)
                                    .allMatch(a -> a.equals("-V") || a.equals("--version"));
            return versionOnly ? Map.of() : all();
        }
        Optional<Class<?>> top = named(COMMANDS, words.get(0));
        if (top.isEmpty() || top.get() == CommandLine.HelpCommand.class) {
            return all();
        }
        List<Class<?>> children = GROUPS.getOrDefault(top.get(), List.of());
        List<Class<?>> wanted =
                words.size() < 2
                        ? children
                        : named(children, words.get(1))
                                .<List<Class<?>>>map(List::of)
                                .orElse(children);
        return Map.of(top.get(), wanted);
    }

    private static Map<Class<?>, List<Class<?>>> all() {
        Map<Class<?>, List<Class<?>>> all = new LinkedHashMap<>();
        COMMANDS.forEach(c -> all.put(c, GROUPS.getOrDefault(c, List.of())));
        return all;
    }

    private static Optional<Class<?>> named(List<Class<?>> commands, String word) {
        return commands.stream().filter(c -> names(c).contains(word)).findFirst();
    }

    private static List<String> names(Class<?> command) {
        Command c = command.getAnnotation(Command.class);
        List<String> names = new ArrayList<>(List.of(c.aliases()));
        names.add(c.name());
        return names;
    }

    private static CommandLine build(CliContext context, Map<Class<?>, List<Class<?>>> commands) {
        Factory factory = new Factory(context);
        CommandLine cl = new CommandLine(new LatchkeyCommand(context), factory);
        commands.forEach(
                (top, children) -> {
                    CommandLine sub = new CommandLine(create(factory, top), factory);
                    children.forEach(c -> sub.addSubcommand(create(factory, c)));
                    cl.addSubcommand(sub);
                });
        cl.getCommandSpec().usageMessage().footer(ExitCode.footer());
        cl.setExecutionExceptionHandler(LatchkeyCommand::handle);
        return cl;
    }

    private static Object create(Factory factory, Class<?> command) {
        try {
            return factory.create(command);
        } catch (Exception e) {
            throw new IllegalStateException("cannot build the command " + command.getName(), e);
        }
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
                err.println(Terminal.escape(re.detail())); // it may quote the token's text
                yield ExitCode.REJECTED;
            }
            case java.io.IOException io -> {
                err.println("latchkey: " + IoProblems.describe(io) + IoProblems.hint(io));
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
