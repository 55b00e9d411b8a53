package org.latchkey.cli;

import picocli.CommandLine.Command;

@Command(
        name = "keys",
        mixinStandardHelpOptions = true,
        description = "Make and manage Ed25519 signing keys.")
final class KeysCommand {}
