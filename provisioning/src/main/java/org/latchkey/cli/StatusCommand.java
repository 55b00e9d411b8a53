package org.latchkey.cli;

import com.fasterxml.jackson.databind.JsonNode;

import org.latchkey.token.Json;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;

@Command(
        name = "status",
        mixinStandardHelpOptions = true,
        description =
                "The running door at a glance: state, door, bolt, camera, mode, clock trust,"
                        + " alarms.")
final class StatusCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(
            names = "--url",
            paramLabel = "URL",
            description = "latchkeyd's API (default: from --config, else http://127.0.0.1:8787).")
    String url;

    @Option(
            names = "--config",
            paramLabel = "FILE",
            description = "Take the API address from this latchkey.toml.")
    Path config;

    @Option(names = "--json", description = "Print the daemon's status JSON as it is.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        DaemonClient client =
                new DaemonClient(
                        DaemonClient.baseUrl(
                                Optional.ofNullable(url),
                                config == null
                                        ? Optional.empty()
                                        : Optional.of(DeviceConfigs.load(config))));
        HttpResponse<String> r =
                client.get("/v1/status")
                        .orElseThrow(
                                () ->
                                        CliException.failed(
                                                "latchkeyd is not running at "
                                                        + client.base()
                                                        + " (nothing listens there): start it with"
                                                        + " `sudo systemctl start latchkeyd`, or"
                                                        + " `./latchkeyd --config FILE --simulate`"
                                                        + " to try it"));
        if (r.statusCode() != 200) {
            throw CliException.failed(
                    client.base() + " answered " + r.statusCode() + ": is that latchkeyd?");
        }
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            // Written again from the parsed tree: whatever the answer held, control characters
            // come out escaped, never as terminal commands.
            out.println(Json.write(Json.read(r.body())));
            return ExitCode.OK;
        }
        JsonNode s = Json.read(r.body());
        out.printf(
                "state   %s%s%n",
                Terminal.escape(s.path("state").asText()),
                s.path("simulated").asBoolean() ? "   (simulated hardware)" : "");
        out.printf("door    %s%n", Terminal.escape(s.path("door").asText()));
        out.printf("bolt    %s%n", Terminal.escape(s.path("bolt").asText()));
        JsonNode cam = s.path("camera");
        out.printf(
                "camera  %s, %s%n",
                cam.path("recording").asBoolean() ? "recording" : "idle",
                cam.path("ready").asBoolean() ? "ready" : "not ready");
        out.printf(
                "mode    %s%s%n",
                Terminal.escape(s.path("mode").asText()),
                s.path("mode_source").asText().equals("persisted")
                        ? "   (as last set by the owner; kept across restarts)"
                        : "");
        out.printf(
                "clock   %s%n",
                s.path("clock").path("trusted").asBoolean()
                        ? "trusted"
                        : "NOT trusted (only owner tokens work)");
        StringBuilder alarms = new StringBuilder();
        s.path("alarms")
                .forEach(
                        a ->
                                alarms.append(alarms.isEmpty() ? "" : ", ")
                                        .append(Terminal.escape(a.asText())));
        out.printf("alarms  %s%n", alarms.isEmpty() ? "none" : alarms);
        return ExitCode.OK;
    }
}
