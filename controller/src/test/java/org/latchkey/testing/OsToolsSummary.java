package org.latchkey.testing;

import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestPlan;

/** At the end of a test run, names every OS program whose checks did not run, and the checks. */
public final class OsToolsSummary implements TestExecutionListener {
    @Override
    public void testPlanExecutionFinished(TestPlan plan) {
        if (OsTools.MISSING.isEmpty()) {
            return;
        }
        StringBuilder sb =
                new StringBuilder(
                        "\n"
                            + "OS-tool checks NOT RUN (install the program to run them; CI installs"
                            + " them all):\n");
        OsTools.MISSING.forEach(
                (tool, tests) ->
                        sb.append("  ")
                                .append(tool)
                                .append(": ")
                                .append(String.join(", ", tests))
                                .append('\n'));
        System.out.println(sb);
    }
}
