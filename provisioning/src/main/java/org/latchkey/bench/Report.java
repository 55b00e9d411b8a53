package org.latchkey.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * The bench as one self-contained HTML page: per scenario, a logic-analyser view of bolt, door
 * contact, camera and alarms over time (inline SVG, no scripts, no external resources), and the
 * audit records.
 */
final class Report {
    private static final int WIDTH = 900;
    private static final int LANE = 34;
    private static final int LABEL = 150;

    private Report() {}

    static void write(List<Bench.Result> results, Path file) throws IOException {
        StringBuilder h = new StringBuilder();
        long passed = results.stream().filter(Bench.Result::passed).count();
        h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
                .append("<title>latchkey bench</title><style>")
                .append(
                        "body{font-family:system-ui,sans-serif;margin:2em;color:#222;max-width:1000px}")
                .append("h1{margin-bottom:.2em}.pass{color:#176f2c}.fail{color:#b3261e}")
                .append("section{border-top:1px solid #ccc;padding:1em 0}")
                .append(
                        "table{border-collapse:collapse;font:12px monospace}td{padding:1px"
                                + " 8px;vertical-align:top}")
                .append("tr:nth-child(odd){background:#f4f4f4}svg text{font:12px sans-serif}")
                .append("details{margin-top:.5em}</style></head><body>\n");
        h.append("<h1>latchkey bench</h1><p>")
                .append(passed)
                .append(" of ")
                .append(results.size())
                .append(" scenarios passed on the <b>")
                .append(
                        results.isEmpty()
                                ? ""
                                : esc(
                                        results.get(0)
                                                .gpio()
                                                .name()
                                                .toLowerCase(Locale.ROOT)
                                                .replace('_', '-')))
                .append("</b> back-end.</p>\n");
        for (Bench.Result r : results) {
            h.append("<section id=\"")
                    .append(esc(r.scenario().name()))
                    .append("\"><h2 class=\"")
                    .append(r.passed() ? "pass\">PASS " : "fail\">FAIL ")
                    .append(esc(r.scenario().name()))
                    .append("</h2>");
            h.append("<p>").append(esc(r.scenario().story())).append("</p>");
            r.diverged()
                    .ifPresent(
                            d ->
                                    h.append("<p class=\"fail\">Diverged at: ")
                                            .append(esc(d))
                                            .append("</p>"));
            h.append(diagram(r.timeline()));
            if (!r.receipts().isEmpty()) {
                h.append("<p><b>Visit receipts</b> (signed by the door key, checked):</p><ul>");
                for (var v : r.receipts()) {
                    h.append("<li class=\"receipt\">")
                            .append(esc(Timeline.receiptLine(r, v)))
                            .append("</li>");
                }
                h.append("</ul>");
            }
            h.append("<details><summary>")
                    .append(r.audit().size())
                    .append(" audit records</summary><table>");
            for (String line : r.audit()) {
                h.append("<tr><td>").append(esc(line)).append("</td></tr>");
            }
            h.append("</table></details></section>\n");
        }
        h.append("</body></html>\n");
        Files.writeString(file, h.toString(), StandardCharsets.UTF_8);
    }

    /**
     * One row of the timeline: what it shows, its level over time, and the colour it is drawn in.
     */
    private record Lane(String name, Function<BenchDoor.Entry, Double> level, String colour) {}

    private static final String STATE_COLOUR = "#1f5fa8";
    private static final String ALARM_COLOUR = "#b3261e";

    /** A light's lane in its own colour, so the green light is not drawn red. */
    private static String colourOf(org.latchkey.hal.Indicators.Signal signal) {
        return switch (signal) {
            case GREEN -> "#1e8e3e";
            case RED -> ALARM_COLOUR;
            case BUZZER -> "#6d4c9f";
        };
    }

    /**
     * Step lines per signal: high/low like a logic analyser, the bolt with a middle level while it
     * moves.
     */
    static String diagram(List<BenchDoor.Entry> timeline) {
        List<BenchDoor.Entry> points = timeline.stream().filter(e -> !e.state().isEmpty()).toList();
        if (points.isEmpty()) {
            return "<p>(no timeline)</p>";
        }
        List<Lane> lanes = new ArrayList<>();
        lanes.add(
                new Lane(
                        "bolt (thrown ↑)",
                        e ->
                                switch (e.bolt()) {
                                    case "LOCKED" -> 1.0;
                                    case "UNLOCKED" -> 0.0;
                                    default -> 0.5;
                                },
                        STATE_COLOUR));
        lanes.add(
                new Lane("door (open ↑)", e -> e.door().equals("OPEN") ? 1.0 : 0.0, STATE_COLOUR));
        lanes.add(new Lane("camera (on ↑)", e -> e.camera() ? 1.0 : 0.0, STATE_COLOUR));
        for (org.latchkey.hal.Indicators.Signal signal :
                org.latchkey.hal.Indicators.Signal.values()) {
            String name = signal.configName();
            lanes.add(
                    new Lane(
                            name
                                    + (signal == org.latchkey.hal.Indicators.Signal.BUZZER
                                            ? " (sounds ↑)"
                                            : " light (on ↑)"),
                            e -> e.lights().contains(name) ? 1.0 : 0.0,
                            colourOf(signal)));
        }
        TreeSet<String> alarms = new TreeSet<>();
        points.forEach(e -> alarms.addAll(e.alarms()));
        for (String a : alarms) {
            lanes.add(new Lane(a, e -> e.alarms().contains(a) ? 1.0 : 0.0, ALARM_COLOUR));
        }
        double end = Math.max(1, points.get(points.size() - 1).at().toMillis() * 1.05);
        int height = lanes.size() * LANE + 30;
        StringBuilder s = new StringBuilder();
        s.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"")
                .append(WIDTH)
                .append("\" height=\"")
                .append(height)
                .append("\" viewBox=\"0 0 ")
                .append(WIDTH)
                .append(' ')
                .append(height)
                .append("\" role=\"img\">");
        for (int i = 0; i < lanes.size(); i++) {
            Lane lane = lanes.get(i);
            int top = i * LANE + 6;
            int hi = top + 4;
            int lo = top + LANE - 10;
            s.append("<text x=\"4\" y=\"")
                    .append(top + LANE / 2 + 2)
                    .append("\">")
                    .append(esc(lane.name()))
                    .append("</text>");
            s.append("<line x1=\"")
                    .append(LABEL)
                    .append("\" y1=\"")
                    .append(lo)
                    .append("\" x2=\"")
                    .append(WIDTH - 4)
                    .append("\" y2=\"")
                    .append(lo)
                    .append("\" stroke=\"#ddd\"/>");
            StringBuilder path = new StringBuilder();
            double prevY = -1;
            for (BenchDoor.Entry e : points) {
                double x = LABEL + (WIDTH - LABEL - 8) * e.at().toMillis() / end;
                double y = lo - (lo - hi) * lane.level().apply(e);
                if (path.isEmpty()) {
                    path.append("M").append(fmt(LABEL)).append(',').append(fmt(y));
                } else if (y != prevY) {
                    path.append(" L")
                            .append(fmt(x))
                            .append(',')
                            .append(fmt(prevY))
                            .append(" L")
                            .append(fmt(x))
                            .append(',')
                            .append(fmt(y));
                }
                prevY = y;
            }
            path.append(" L").append(fmt(WIDTH - 8)).append(',').append(fmt(prevY));
            s.append("<path d=\"")
                    .append(path)
                    .append("\" fill=\"none\" stroke=\"")
                    .append(lane.colour())
                    .append("\" stroke-width=\"2\"/>");
        }
        int axis = lanes.size() * LANE + 20;
        for (int k = 0; k <= 5; k++) {
            double t = end * k / 5;
            double x = LABEL + (WIDTH - LABEL - 8) * k / 5.0;
            String anchor = k == 0 ? "start" : k == 5 ? "end" : "middle";
            s.append("<text x=\"")
                    .append(fmt(x))
                    .append("\" y=\"")
                    .append(axis)
                    .append("\" text-anchor=\"")
                    .append(anchor)
                    .append("\">")
                    .append(String.format(Locale.ROOT, "%.1fs", t / 1000))
                    .append("</text>");
        }
        s.append("</svg>");
        return s.toString();
    }

    private static String fmt(double d) {
        return String.format(Locale.ROOT, "%.1f", d);
    }

    static String esc(String s) {
        return s.replace("&", "&amp;")
                .replace("<", "&lt;")
                .replace(">", "&gt;")
                .replace("\"", "&quot;");
    }
}
