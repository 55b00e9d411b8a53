package org.latchkey.cli;

import org.latchkey.config.DeviceConfig;
import org.latchkey.config.Durations;
import org.latchkey.hal.HalConfig;
import org.latchkey.hal.HalException;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;

@Command(
        name = "hw-test",
        mixinStandardHelpOptions = true,
        header = "Check the wiring: bolt, door contact, camera, lights and buzzer.",
        description =
                "Check the door's wiring step by step: the bolt unlocks, the door contact follows"
                    + " the door, the bolt locks, the camera triggers, each light and the buzzer"
                    + " come on (read back on a sense pin, or confirmed by you). Each step prints"
                    + " PASS or FAIL with the reason; exit 0 only if all pass. On the simulated"
                    + " driver it runs unattended. Do not run it while latchkeyd is running.")
final class HwTestCommand implements Callable<Integer> {
    private final CliContext context;

    @Spec CommandSpec spec;

    @Mixin ConfigOption config;

    @Option(names = "--yes", description = "Do not ask before moving the bolt.")
    boolean yes;

    @Option(
            names = "--door-timeout",
            paramLabel = "DURATION",
            defaultValue = "30s",
            description = "How long to wait for each door movement (default: ${DEFAULT-VALUE}).")
    String doorTimeout;

    HwTestCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() throws Exception {
        DeviceConfig device = config.load();
        Duration timeout;
        try {
            timeout = Durations.parse(doorTimeout);
        } catch (IllegalArgumentException e) {
            throw CliException.usage("--door-timeout: " + e.getMessage());
        }
        boolean simulated = device.hal().driver() == HalConfig.Driver.SIMULATED;
        if (!simulated && !yes) {
            Boolean go =
                    context.confirmation()
                            .ask("The bolt will move. Keep hands and tools clear of it. Continue?");
            if (go == null) {
                throw CliException.usage(
                        "no terminal to confirm on: add --yes to move the bolt without asking");
            }
            if (!go) {
                throw CliException.failed("cancelled: nothing was moved");
            }
        }
        PrintWriter out = spec.commandLine().getOut();
        HardwareSession session;
        try {
            session = new HardwareSession(device, context.hardwareTime());
        } catch (HalException e) {
            out.println("FAIL  hardware — " + e.getMessage());
            throw CliException.failed("the hardware could not be opened; nothing was tested");
        }
        List<WiringCheck.Step> steps;
        try (session) {
            out.println("latchkey hw-test on " + session.hardware().description());
            // --yes runs unattended: outputs without a sense pin are skipped, not asked about.
            CliContext.Confirmation person =
                    yes || simulated ? question -> null : context.confirmation();
            steps = new WiringCheck(session, timeout, device.hal(), out, person).run();
        }
        List<String> failed =
                steps.stream()
                        .filter(s -> s.status() != WiringCheck.Status.PASS)
                        .map(WiringCheck.Step::name)
                        .toList();
        if (failed.isEmpty()) {
            out.println("hw-test: all " + steps.size() + " steps passed");
            return ExitCode.OK;
        }
        spec.commandLine()
                .getErr()
                .println(
                        "hw-test: "
                                + failed.size()
                                + " of "
                                + steps.size()
                                + " steps did not pass: "
                                + String.join(", ", failed));
        return ExitCode.FAILED;
    }
}
