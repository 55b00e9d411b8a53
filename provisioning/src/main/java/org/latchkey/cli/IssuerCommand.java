package org.latchkey.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.latchkey.config.ConfigToml;
import org.latchkey.config.DeviceConfig;
import org.latchkey.config.Durations;
import org.latchkey.store.RevocationStore;
import org.latchkey.token.IssuerPolicy;
import org.latchkey.token.PublicKey;
import org.latchkey.token.Role;
import org.latchkey.token.SignedToken;
import org.latchkey.token.TokenRejectedException;
import org.latchkey.token.TrustedIssuer;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

@Command(
        name = "issuer",
        mixinStandardHelpOptions = true,
        description =
                "Manage the keys the door trusts: delivery and service companies, guests' issuers.")
final class IssuerCommand {
    static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9 ._-]{0,63}");
    private static final Pattern HEADER = Pattern.compile("^\\s*\\[.*");
    private static final Pattern ISSUERS_HEADER =
            Pattern.compile("^\\s*\\[\\[\\s*issuers\\s*]]\\s*(#.*)?$");

    @Command(
            name = "add",
            mixinStandardHelpOptions = true,
            description =
                    "Trust a public key with its policy. The config is rewritten atomically and"
                            + " keeps its comments.")
    static final class Add implements Callable<Integer> {
        private final CliContext context;

        @Spec CommandSpec spec;

        @Mixin ConfigOption config;

        @Option(
                names = "--name",
                required = true,
                paramLabel = "NAME",
                description = "A name for people and the audit log, e.g. parcel-co.")
        String name;

        @Option(
                names = "--key",
                required = true,
                paramLabel = "KEY",
                description = "Its public key: k4.public.… or a .pub file.")
        String key;

        @Option(
                names = "--roles",
                required = true,
                split = ",",
                paramLabel = "ROLE",
                description =
                        "Roles it may grant: owner, delivery, service, guest (comma-separated).")
        List<String> roles;

        @Option(
                names = "--max-window",
                required = true,
                paramLabel = "DURATION",
                description = "Longest window it may grant, e.g. 4h.")
        String maxWindow;

        @Option(
                names = "--hours",
                paramLabel = "HOURS",
                description = "When its tokens may be used, e.g. \"Mon-Sat 08:00-20:00\".")
        String hours;

        @Option(names = "--once-only", description = "It may issue only once tokens.")
        boolean onceOnly;

        Add(CliContext context) {
            this.context = context;
        }

        @Override
        public Integer call() throws Exception {
            if (!NAME.matcher(name).matches()) {
                throw CliException.usage("--name: 1–64 characters of letters, digits, space . _ -");
            }
            PublicKey publicKey = KeyFiles.readPublic(key);
            // The door key speaks for the door (cards, receipts, checkpoints): it never opens it.
            if (org.latchkey.identity.DoorKeys.readPublic(config.file)
                    .map(k -> k.pid().equals(publicKey.pid()))
                    .orElse(false)) {
                throw CliException.usage(
                        "--key: "
                                + key
                                + " is this door's own key (door.pub): it signs what the door says"
                                + " about itself and may never grant access");
            }
            IssuerPolicy policy = IssuerPolicies.parse(roles, maxWindow, hours, onceOnly);
            StringBuilder block = new StringBuilder();
            block.append("\n# Added by `latchkey issuer add` on ")
                    .append(LocalDate.ofInstant(context.clock().instant(), ZoneOffset.UTC))
                    .append(".\n");
            block.append(
                    ConfigToml.issuer(
                            name,
                            publicKey.paserk(),
                            policy.roles(),
                            policy.maxWindow(),
                            Optional.ofNullable(hours),
                            onceOnly));
            DeviceConfig updated =
                    ConfigFile.edit(
                            config.file,
                            "issuer add",
                            (text, before) -> (text.endsWith("\n") ? text : text + "\n") + block);
            TrustedIssuer added = updated.trustStore().find(publicKey.pid()).orElseThrow();
            spec.commandLine()
                    .getOut()
                    .println(
                            "trusted " + added.name() + " (" + added.kid() + "): " + policy(added));
            spec.commandLine()
                    .getErr()
                    .println("a running latchkeyd picks this up within a second");
            return ExitCode.OK;
        }
    }

    @Command(
            name = "list",
            mixinStandardHelpOptions = true,
            description = "List the trusted keys with their kid and policy.")
    static final class ListIssuers implements Callable<Integer> {
        @Spec CommandSpec spec;

        @Mixin ConfigOption config;

        @Option(names = "--json", description = "Print as JSON.")
        boolean json;

        @Option(
                names = "--url",
                paramLabel = "URL",
                description = "latchkeyd's API, for the enrolled keys (default: from the config).")
        String url;

        @Override
        public Integer call() throws Exception {
            DeviceConfig c = config.load();
            PrintWriter out = spec.commandLine().getOut();
            Optional<EnrolledKeys> enrolled;
            try {
                enrolled = Optional.of(EnrolledKeys.of(c, Optional.ofNullable(url)));
            } catch (CliException e) {
                enrolled = Optional.empty();
                spec.commandLine()
                        .getErr()
                        .println("the enrolled keys are not listed: " + e.getMessage());
            }
            if (json) {
                ArrayNode list = JsonOutput.object().arrayNode();
                for (TrustedIssuer i : c.trustStore().issuers()) {
                    issuerJson(list.addObject(), i).put("source", "config");
                }
                enrolled.ifPresent(
                        e ->
                                e.keys()
                                        .forEach(
                                                k ->
                                                        issuerJson(list.addObject(), k.issuer())
                                                                .put("source", "enrolled")
                                                                .put(
                                                                        "enrolled_by",
                                                                        k.enrolledBy())));
                ObjectNode root = JsonOutput.object();
                root.set("issuers", list);
                JsonOutput.print(spec, root);
                return ExitCode.OK;
            }
            for (TrustedIssuer i : c.trustStore().issuers()) {
                out.printf("%-16s %s%n", i.name(), i.kid());
                out.printf("%-16s %s%n", "", policy(i));
            }
            if (enrolled.isPresent()) {
                for (EnrolledKeys.Key k : enrolled.get().keys()) {
                    TrustedIssuer i = k.issuer();
                    out.printf("%-16s %s%n", i.name(), i.kid());
                    out.printf("%-16s %s%n", "", policy(i));
                    out.printf("%-16s enrolled by %s%n", "", enrolledBy(c, enrolled.get(), k));
                }
                for (String why : enrolled.get().setAside()) {
                    out.println("not trusted: " + Terminal.escape(why));
                }
            }
            return ExitCode.OK;
        }

        private static ObjectNode issuerJson(ObjectNode o, TrustedIssuer i) {
            o.put("name", i.name());
            o.put("kid", i.kid());
            o.put("public_key", i.key().paserk());
            ArrayNode r = o.putArray("roles");
            i.policy().roles().forEach(x -> r.add(x.wireName()));
            o.put("max_window", Durations.format(i.policy().maxWindow()));
            i.policy().hours().ifPresent(h -> o.put("hours", h.toString()));
            o.put("once_only", i.policy().onceOnly());
            return o;
        }

        /** The enrolling key by its name where the door knows it. */
        private static String enrolledBy(DeviceConfig c, EnrolledKeys e, EnrolledKeys.Key k) {
            return c.trustStore()
                    .find(k.enrolledBy())
                    .map(TrustedIssuer::name)
                    .or(
                            () ->
                                    e.keys().stream()
                                            .filter(x -> x.issuer().kid().equals(k.enrolledBy()))
                                            .map(x -> x.issuer().name())
                                            .findFirst())
                    .orElse(k.enrolledBy());
        }
    }

    @Command(
            name = "remove",
            mixinStandardHelpOptions = true,
            description = "Stop trusting a key (by name). Its tokens are refused as UNKNOWN_KEY.")
    static final class Remove implements Callable<Integer> {
        @Spec CommandSpec spec;

        @Mixin ConfigOption config;

        @Option(
                names = "--name",
                required = true,
                paramLabel = "NAME",
                description = "The issuer's name, as in `issuer list`.")
        String name;

        @Option(
                names = "--owner-key",
                paramLabel = "OWNER.key",
                description =
                        "For an enrolled key while latchkeyd runs: the owner's private key that"
                                + " authorises the removal (default: owner.key beside the"
                                + " config).")
        Path ownerKey;

        @Option(
                names = "--passphrase-file",
                paramLabel = "FILE",
                description = "Passphrase of an encrypted owner key (else asked).")
        Path passphraseFile;

        @Option(
                names = "--url",
                paramLabel = "URL",
                description = "latchkeyd's API (default: from the config).")
        String url;

        private final CliContext context;

        Remove(CliContext context) {
            this.context = context;
        }

        @Override
        public Integer call() throws Exception {
            DeviceConfig device = config.load();
            if (device.trustStore().issuers().stream().noneMatch(i -> i.name().equals(name))) {
                EnrolledKeys enrolled = EnrolledKeys.of(device, Optional.ofNullable(url));
                Optional<EnrolledKeys.Key> key = enrolled.named(name);
                if (key.isPresent()) {
                    new EnrolmentRemoval(spec, context, ownerKey, passphraseFile, url)
                            .remove(device, key.get());
                    return ExitCode.OK;
                }
            }
            DeviceConfig[] before = new DeviceConfig[1];
            ConfigFile.edit(
                    config.file,
                    "issuer remove",
                    (text, loaded) -> {
                        before[0] = loaded;
                        return without(text, name);
                    });
            spec.commandLine().getOut().println("removed " + name);
            spec.commandLine()
                    .getErr()
                    .println("a running latchkeyd picks this up within a second");
            warnIfItSignedTheRevocations(before[0], name);
            return ExitCode.OK;
        }

        /** The config's text without the issuer's table (and the comment lines right above it). */
        private String without(String text, String name) throws CliException {
            List<String> lines = new ArrayList<>(Arrays.asList(text.split("\n", -1)));
            int[] block = find(lines, name);
            if (block == null) {
                throw CliException.failed("no issuer named '" + name + "' in " + config);
            }
            int from = block[0];
            while (from > 0 && lines.get(from - 1).strip().startsWith("#")) {
                from--;
            }
            if (from > 0 && lines.get(from - 1).isBlank()) {
                from--;
            }
            lines.subList(from, block[1]).clear();
            return String.join("\n", lines);
        }

        /**
         * A revocation list signed by the removed key stays in force on the door (it only ever
         * refuses more), but the door flags it until a current owner key signs the next one: say
         * how.
         */
        private void warnIfItSignedTheRevocations(DeviceConfig before, String removed) {
            String kid =
                    before.trustStore().issuers().stream()
                            .filter(i -> i.name().equals(removed))
                            .map(TrustedIssuer::kid)
                            .findFirst()
                            .orElse("");
            for (String file : List.of(RevocationStore.FILE, RevocationStore.FLEET_FILE)) {
                Path list = before.stateDir().resolve(file);
                try {
                    if (Files.isReadable(list)
                            && SignedToken.document(Files.readString(list).strip())
                                    .kid()
                                    .equals(kid)) {
                        spec.commandLine()
                                .getErr()
                                .printf(
                                        "warning: the installed %s was signed by %s. The door keeps"
                                            + " enforcing it and raises REVOCATION_SIGNER_UNTRUSTED"
                                            + " until a current owner key signs the next list:"
                                            + " latchkey revoke --config %s --resign%s --key"
                                            + " NEW_OWNER.key%n",
                                        file,
                                        removed,
                                        config,
                                        file.equals(RevocationStore.FLEET_FILE) ? " --fleet" : "");
                    }
                } catch (IOException | TokenRejectedException e) {
                    // not readable here, or not a list: the door reports it itself
                }
            }
        }

        /**
         * The [[issuers]] table whose name is {@code name}: [header line, end exclusive], or null.
         */
        private static int[] find(List<String> lines, String name) {
            String wanted = "name = " + ConfigToml.quote(name);
            for (int i = 0; i < lines.size(); i++) {
                if (!ISSUERS_HEADER.matcher(lines.get(i)).matches()) {
                    continue;
                }
                int end = i + 1;
                boolean match = false;
                while (end < lines.size() && !HEADER.matcher(lines.get(end)).matches()) {
                    match |=
                            lines.get(end)
                                    .strip()
                                    .replaceAll("\\s*=\\s*", " = ")
                                    .startsWith(wanted);
                    end++;
                }
                // Trailing comment lines belong to the next table.
                while (end > i + 1 && lines.get(end - 1).strip().startsWith("#")) {
                    end--;
                }
                if (match) {
                    return new int[] {i, end};
                }
            }
            return null;
        }
    }

    static String policy(TrustedIssuer i) {
        return "roles "
                + i.policy().roles().stream().map(Role::wireName).collect(Collectors.joining(","))
                + ", up to "
                + Durations.format(i.policy().maxWindow())
                + i.policy().hours().map(h -> ", " + h).orElse("")
                + (i.policy().onceOnly() ? ", once only" : "")
                + (i.policy().isOwner()
                        ? "; an owner key: also signs revocation lists, clock resets and phones'"
                                + " enrolments"
                        : "");
    }
}
