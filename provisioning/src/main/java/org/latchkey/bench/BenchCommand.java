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
            "  delivery, replay, expired, wrong-lock, tampered, unknown-issuer, outside-hours,"
                    + " never-opened,",
            "  left-open, forced-entry, jam, camera-offline, clock-untrusted, power-cut%n"
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
            paramLabel = "simulated|mock-pi4j",
            defaultValue = "simulated",
            description =
                    "The hardware back-end: the simulated door, or the production Pi4J layer on"
                            + " Pi4J's mock GPIO (default: ${DEFAULT-VALUE}).")
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
                switch (gpio) {
                    case "simulated" -> BenchDoor.Gpio.SIMULATED;
                    case "mock-pi4j" -> BenchDoor.Gpio.MOCK_PI4J;
                    default ->
                            throw new org.latchkey.cli.CliException(
                                    2, "--gpio: simulated or mock-pi4j");
                };
        List<Scenarios.Scenario> chosen = new ArrayList<>();
        for (String name : scenarios) {
            chosen.add(
                    Scenarios.named(name)
                            .orElseThrow(
                                    () ->
                                            new org.latchkey.cli.CliException(
                                                    2,
                                                    "--scenario: no scenario '"
                                                            + name
                                                            + "' (see --help)")));
        }
        if (chosen.isEmpty()) {
            chosen.addAll(Scenarios.ALL);
        }
        PrintWriter out = spec.commandLine().getOut();
        Bench bench = new Bench(backend, realtime, context.random());
        List<Bench.Result> results = new ArrayList<>();
        if (!json) {
            out.printf(
                    "latchkey bench: %d scenario(s) on the %s back-end, %s%n%n",
                    chosen.size(), gpio, realtime ? "in real time" : "on virtual time");
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
}
