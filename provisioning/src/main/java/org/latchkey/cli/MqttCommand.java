package org.latchkey.cli;

import org.latchkey.config.DeviceConfig;
import org.latchkey.mqtt.BrokerCheck;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

@Command(
        name = "mqtt",
        mixinStandardHelpOptions = true,
        description = "The door's MQTT bridge: check the way to the broker.")
final class MqttCommand {
    @Command(
            name = "check",
            mixinStandardHelpOptions = true,
            description =
                    "Connect with the [mqtt] settings of a latchkey.toml and report each step: the"
                            + " broker's name, TCP, TLS and the broker's certificate,"
                            + " authentication, subscribing to the door's command topics,"
                            + " publishing under its prefix. Stops at the first failure and says"
                            + " why. Exit 0 when every step passed, 1 otherwise.")
    static final class Check implements Callable<Integer> {
        @Spec CommandSpec spec;

        @Mixin ConfigOption config;

        @Override
        public Integer call() throws Exception {
            DeviceConfig c = config.load();
            if (c.mqtt().isEmpty()) {
                throw CliException.failed(
                        config
                                + " has no [mqtt] section: add one (latchkey init --mqtt URL, or"
                                + " README, Home Assistant) first");
            }
            PrintWriter out = spec.commandLine().getOut();
            boolean ok =
                    BrokerCheck.run(
                            c.mqtt().get(),
                            step -> {
                                out.printf(
                                        "%-4s  %-9s  %s%n",
                                        step.ok() ? "ok" : "FAIL",
                                        step.name(),
                                        Terminal.escape(step.detail()));
                                out.flush();
                            });
            out.println(
                    ok
                            ? "the door can reach its broker"
                            : "the door cannot use its broker as configured (it works on"
                                    + " without it)");
            return ok ? ExitCode.OK : ExitCode.FAILED;
        }
    }
}
