package org.latchkey.cli;

import picocli.CommandLine.Command;

@Command(
        name = "token",
        mixinStandardHelpOptions = true,
        description = "Issue, inspect and verify access tokens.")
final class TokenCommand {}
