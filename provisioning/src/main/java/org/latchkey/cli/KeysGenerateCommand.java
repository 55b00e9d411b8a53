package org.latchkey.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;

import org.latchkey.store.AtomicFiles;
import org.latchkey.token.SigningKey;

import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;

@Command(
        name = "generate",
        mixinStandardHelpOptions = true,
        header = "Generate an Ed25519 key pair (NAME.key, NAME.pub).",
        description =
                "Generate an Ed25519 key pair: NAME.key (PKCS#8 PEM, encrypted unless"
                    + " --no-passphrase) and NAME.pub (k4.public…). Prints the key id (k4.pid…)."
                    + " Existing files are never overwritten.")
final class KeysGenerateCommand implements Callable<Integer> {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    private final CliContext context;

    @Spec CommandSpec spec;

    @Option(
            names = "--out",
            required = true,
            paramLabel = "DIR",
            description = "Folder for the key files (created if missing).")
    Path out;

    @Option(
            names = "--name",
            required = true,
            paramLabel = "NAME",
            description = "Base name of the files, e.g. owner.")
    String name;

    @ArgGroup(exclusive = true)
    PassphraseChoice passphrase = new PassphraseChoice();

    static final class PassphraseChoice {
        @Option(
                names = "--passphrase-file",
                paramLabel = "FILE",
                description = "Encrypt with the first line of FILE.")
        Path file;

        @Option(
                names = "--no-passphrase",
                description = "Leave the private key unencrypted (protect the file yourself).")
        boolean none;
    }

    @Option(names = "--json", description = "Print the result as JSON.")
    boolean json;

    KeysGenerateCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() throws Exception {
        if (!NAME.matcher(name).matches()) {
            throw CliException.usage(
                    "--name must be 1–64 characters of A–Z a–z 0–9 . _ - (not starting with . -"
                            + " _)");
        }
        Path privateFile = out.resolve(name + ".key");
        Path publicFile = out.resolve(name + ".pub");
        for (Path p : new Path[] {privateFile, publicFile}) {
            if (Files.exists(p)) {
                throw CliException.failed(
                        p
                                + " already exists: refusing to overwrite it (move it away or"
                                + " choose another --name)");
            }
        }
        char[] pass =
                passphrase.none
                        ? null
                        : passphrase.file != null
                                ? Passphrases.fromFile(passphrase.file)
                                : Passphrases.ask(
                                        context,
                                        "Passphrase for " + privateFile.getFileName() + ": ",
                                        true);
        SigningKey key = SigningKey.generate(context.random());
        try {
            AtomicFiles.createDirectories(
                    out, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
            KeyFiles.write(privateFile, publicFile, key, pass, context.random());
        } finally {
            key.destroy();
            if (pass != null) {
                Arrays.fill(pass, '\0');
            }
        }
        String kid = key.publicKey().pid();
        if (json) {
            ObjectNode o = JsonOutput.object();
            o.put("name", name);
            o.put("private_key_file", privateFile.toString());
            o.put("public_key_file", publicFile.toString());
            o.put("encrypted", pass != null);
            o.put("public_key", key.publicKey().paserk());
            o.put("kid", kid);
            JsonOutput.print(spec, o);
        } else {
            spec.commandLine().getOut().println(kid);
            spec.commandLine()
                    .getErr()
                    .println(
                            "wrote "
                                    + privateFile
                                    + (pass == null ? " (NOT encrypted)" : " (encrypted)")
                                    + " and "
                                    + publicFile);
        }
        return ExitCode.OK;
    }
}
