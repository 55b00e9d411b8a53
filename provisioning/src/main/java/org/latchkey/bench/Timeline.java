package org.latchkey.bench;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.latchkey.receipt.Receipt;
import org.latchkey.token.Json;

import java.io.PrintWriter;

/** A scenario's story as text: time offset, event, state and outputs, and the verdict. */
final class Timeline {
    private Timeline() {}

    static void print(Bench.Result r, PrintWriter out) {
        out.printf("== %s — %s%n", r.scenario().name(), r.scenario().story());
        out.printf(
                "   %9s  %-46s %-10s %-9s %-7s %-6s %-12s %s%n",
                "time", "event", "state", "bolt", "door", "camera", "lights", "alarms");
        for (BenchDoor.Entry e : r.timeline()) {
            if (e.event().equals("state")) {
                continue; // the state column of the other lines shows it
            }
            String event = e.event() + (e.detail().isEmpty() ? "" : " " + e.detail());
            out.printf(
                    "   %8.3fs  %-46s %-10s %-9s %-7s %-6s %-12s %s%n",
                    e.at().toMillis() / 1000.0,
                    clip(event, 46),
                    e.state(),
                    e.bolt(),
                    e.door(),
                    e.camera() ? "on" : "off",
                    e.lights().isEmpty() ? "-" : String.join("+", e.lights()),
                    e.alarms().isEmpty() ? "" : String.join(",", e.alarms()));
        }
        for (Receipt v : r.receipts()) {
            out.printf("   %s%n", receiptLine(r, v));
        }
        if (r.passed()) {
            out.printf("   PASS %s (%d ms)%n%n", r.scenario().name(), r.elapsed().toMillis());
        } else {
            out.printf("   FAIL %s: diverged at: %s%n%n", r.scenario().name(), r.diverged().get());
        }
    }

    static ObjectNode json(Bench.Result r) {
        ObjectNode o = Json.object();
        o.put("name", r.scenario().name());
        o.put("passed", r.passed());
        r.diverged().ifPresent(d -> o.put("diverged", d));
        o.put("elapsed_ms", r.elapsed().toMillis());
        ArrayNode t = o.putArray("timeline");
        for (BenchDoor.Entry e : r.timeline()) {
            ObjectNode x = t.addObject();
            x.put("t_ms", e.at().toMillis());
            x.put("event", e.event());
            x.put("detail", e.detail());
            x.put("state", e.state());
            x.put("bolt", e.bolt());
            x.put("door", e.door());
            x.put("camera", e.camera());
            e.alarms().forEach(x.putArray("alarms")::add);
            e.lights().forEach(x.putArray("lights")::add);
        }
        ArrayNode receipts = o.putArray("receipts");
        r.receipts().forEach(v -> receipts.add(v.json()));
        return o;
    }

    /**
     * A visit receipt in one line, its times as offsets from the scenario's start like the
     * timeline's. Signed by the door key, and checked against it before it is shown.
     */
    static String receiptLine(Bench.Result r, Receipt v) {
        StringBuilder b =
                new StringBuilder("receipt ")
                        .append(v.n())
                        .append(": ")
                        .append(
                                v.sub().isEmpty()
                                        ? "(no sub)"
                                        : org.latchkey.token.Names.forPeople(v.sub()))
                        .append(" (")
                        .append(v.role())
                        .append(", ")
                        .append(v.use())
                        .append(") ended ")
                        .append(v.ended())
                        .append(" — granted ")
                        .append(at(r, v.grantedAt()));
        v.openedAt().ifPresent(t -> b.append(", opened ").append(at(r, t)));
        v.closedAt().ifPresent(t -> b.append(", closed ").append(at(r, t)));
        v.lockedAt().ifPresent(t -> b.append(", locked ").append(at(r, t)));
        v.cameraOn()
                .ifPresent(
                        t ->
                                b.append(", camera ")
                                        .append(at(r, t))
                                        .append("–")
                                        .append(v.cameraOff().map(o -> at(r, o)).orElse("…")));
        if (!v.alarms().isEmpty()) {
            b.append(", alarms ").append(String.join(",", v.alarms()));
        }
        return b.append("; signed by the door key").toString();
    }

    private static String at(Bench.Result r, java.time.Instant t) {
        // a receipt's times are RFC 3339 to the second: shown as whole seconds, not the
        // timeline's milliseconds (25.700s in the timeline is 25s here)
        return java.time.Duration.between(r.scenario().start(), t).toSeconds() + "s";
    }

    private static String clip(String s, int n) {
        return s.length() <= n ? s : s.substring(0, n - 1) + "…";
    }
}
