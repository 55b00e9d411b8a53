package org.latchkey.daemon;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.tinylog.Logger;

/**
 * sd_notify through the {@code systemd-notify} command: the JDK cannot open the AF_UNIX datagram socket
 * itself. The unit sets {@code NotifyAccess=all}; {@code --pid} names this process as the sender.
 */
public final class SystemdNotify {
    private final boolean enabled = System.getenv("NOTIFY_SOCKET") != null;

    public boolean enabled() {
        return enabled;
    }

    public void ready() {
        send("--ready", "STATUS=serving");
    }

    public void stopping() {
        send("STOPPING=1");
    }

    public void watchdog() {
        send("WATCHDOG=1");
    }

    /** The watchdog interval systemd asked for, halved; 0 when there is no watchdog. */
    public long watchdogPingMillis() {
        String usec = System.getenv("WATCHDOG_USEC");
        if (!enabled || usec == null || !usec.matches("\\d{1,15}")) {
            return 0;
        }
        return Long.parseLong(usec) / 2000;
    }

    private void send(String... args) {
        if (!enabled) {
            return;
        }
        List<String> cmd = new ArrayList<>(List.of("systemd-notify", "--pid=" + ProcessHandle.current().pid()));
        cmd.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!p.waitFor(5, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                Logger.warn("systemd-notify {} timed out", String.join(" ", args));
            }
        } catch (IOException e) {
            Logger.warn("systemd-notify failed: {}", e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
