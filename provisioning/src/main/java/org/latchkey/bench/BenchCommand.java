package org.latchkey.bench;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.latchkey.cli.CliContext;
import org.latchkey.token.Json;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

@Command(
        name = "bench",
        mixinStandardHelpOptions = true,
        header = "Watch the whole door work through scripted scenarios.",
        description =
                "Run the whole door on simulated GPIO through scripted scenarios: the real"
                    + " controller, token verification and persistence, each scenario on a fresh"
                    + " temporary device. Prints a timeline and PASS/FAIL per scenario; exit 0 only"
                    + " if all pass. Fast by default (virtual time); --realtime plays real speed.",
        footerHeading = "%nScenarios:%n",
        footer = {
            // Lines under 80 columns, where picocli would break them; BenchScenariosTest checks
            // that every scenario is named.
            "  delivery, replay, expired, wrong-lock, tampered, unknown-issuer,",
            "  outside-hours, never-opened, left-open, forced-entry, jam,",
            "  camera-offline, clock-untrusted, power-cut, scanner-hid",
            "  and on gpio-sim also: bouncing-contact (in real time), wire-cut%n"
        })
public final class BenchCommand implements Callable<Integer> {
    private final CliContext context;

    @Spec CommandSpec spec;

    @Option(
            names = "--scenario",
            paramLabel = "NAME",
            description = "Run only these (repeatable; default: all).")
    List<String> scenarios = new ArrayList<>();

    @Option(
            names = "--gpio",
            paramLabel = "simulated|mock-pi4j|gpio-sim",
            defaultValue = "simulated",
            description =
                    "The hardware back-end: the simulated door; the production Pi4J layer on"
                            + " Pi4J's mock GPIO; or the production Pi4J layer on a Linux gpio-sim"
                            + " chip labelled pinctrl-… (needs a Raspberry Pi's identity for Pi4J"
                            + " and its natives; see docs/hardware-truth.md) (default:"
                            + " ${DEFAULT-VALUE}).")
    String gpio;

    @Option(
            names = "--realtime",
            description = "Play the scenarios at real speed (minutes) instead of virtual time.")
    boolean realtime;

    @Option(
            names = "--report",
            paramLabel = "FILE.html",
            description = "Also write an HTML report with timing diagrams.")
    Path report;

    @Option(names = "--json", description = "Print the results as JSON instead of the timelines.")
    boolean json;

    public BenchCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() throws Exception {
        BenchDoor.Gpio backend =
                BenchDoor.Gpio.named(gpio)
                        .orElseThrow(
                                () ->
                                        new org.latchkey.cli.CliException(
                                                2, "--gpio: simulated, mock-pi4j or gpio-sim"));
        List<Scenarios.Scenario> playable = GpioSimScenarios.forBackend(backend);
        List<Scenarios.Scenario> chosen = new ArrayList<>();
        for (String name : scenarios) {
            Scenarios.Scenario s =
                    playable.stream()
                            .filter(p -> p.name().equals(name))
                            .findFirst()
                            .orElseThrow(
                                    () ->
                                            new org.latchkey.cli.CliException(
                                                    2,
                                                    "--scenario: no scenario '"
                                                            + name
                                                            + "' on the "
                                                            + gpio
                                                            + " back-end (see --help)"));
            chosen.add(s);
        }
        if (chosen.isEmpty()) {
            chosen.addAll(playable);
        }
        Rig rig = backend == BenchDoor.Gpio.GPIO_SIM ? gpioSimRig() : Rig.of(backend);
        PrintWriter out = spec.commandLine().getOut();
        Bench bench =
                new Bench(
                        rig,
                        realtime,
                        context.random(),
                        java.util.function.UnaryOperator.identity());
        List<Bench.Result> results = new ArrayList<>();
        if (!json) {
            out.printf(
                    "latchkey bench: %d scenario(s) on the %s back-end%s, %s%n%n",
                    chosen.size(),
                    gpio,
                    rig.chip().map(c -> " (" + c + ")").orElse(""),
                    realtime
                            ? "in real time"
                            : chosen.stream().anyMatch(Scenarios.Scenario::realTime)
                                    ? "on virtual time where the story allows, else in real time"
                                    : "on virtual time");
        }
        for (Scenarios.Scenario s : chosen) {
            Bench.Result r = bench.run(s);
            results.add(r);
            if (!json) {
                Timeline.print(r, out);
            }
            out.flush();
        }
        long failed = results.stream().filter(r -> !r.passed()).count();
        if (report != null) {
            Report.write(results, report);
            spec.commandLine().getErr().println("wrote the report to " + report);
        }
        if (json) {
            ArrayNode list = Json.array();
            results.forEach(r -> list.add(Timeline.json(r)));
            ObjectNode root = Json.object();
            root.put("passed", failed == 0);
            root.put("gpio", gpio);
            root.set("scenarios", list);
            out.println(Json.pretty(root));
        } else {
            out.printf(
                    "%d of %d scenarios passed%s%n",
                    results.size() - failed,
                    results.size(),
                    failed == 0
                            ? ""
                            : "; failed: "
                                    + String.join(
                                            ", ",
                                            results.stream()
                                                    .filter(r -> !r.passed())
                                                    .map(r -> r.scenario().name())
                                                    .toList()));
        }
        return failed == 0 ? 0 : 1;
    }

    /** The gpio-sim chip Pi4J would take, after the checks that would otherwise fail each story. */
    private static Rig gpioSimRig() throws org.latchkey.cli.CliException {
        try {
            org.latchkey.hal.pi4j.Pi4jContexts.checkBoard();
            return Rig.gpioSim(
                    org.latchkey.hal.gpiosim.GpioSimChip.pinctrl(
                            org.latchkey.hal.gpiosim.GpioSimChip.CONFIGFS,
                            org.latchkey.hal.gpiosim.GpioSimChip.PLATFORM));
        } catch (org.latchkey.hal.HalException e) {
            throw new org.latchkey.cli.CliException(1, "--gpio gpio-sim: " + e.getMessage());
        } catch (java.nio.file.NoSuchFileException e) {
            throw new org.latchkey.cli.CliException(
                    1, "--gpio gpio-sim: " + e.getFile() + ": " + e.getReason());
        } catch (java.io.IOException e) {
            throw new org.latchkey.cli.CliException(
                    1, "--gpio gpio-sim: cannot read gpio-sim's configfs: " + e);
        }
    }
}
