package org.latchkey.daemon;

import org.newsclub.net.unix.AFUNIXDatagramChannel;
import org.newsclub.net.unix.AFUNIXSocketAddress;
import org.tinylog.Logger;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * sd_notify(3), sent from the daemon's own process as AF_UNIX datagrams to {@code $NOTIFY_SOCKET},
 * so systemd attributes every message to the unit's main process ({@code NotifyAccess=main}). A
 * helper process such as systemd-notify may exit before systemd looks at it, and then its message
 * is dropped: a lost READY=1 gets the door killed at the start timeout, lost WATCHDOG=1s by the
 * watchdog.
 */
public final class SystemdNotify implements AutoCloseable {
    private final Optional<AFUNIXSocketAddress> target;
    private final long watchdogUsec;
    private AFUNIXDatagramChannel socket;
    private boolean warned;

    private SystemdNotify(Optional<AFUNIXSocketAddress> target, long watchdogUsec) {
        this.target = target;
        this.watchdogUsec = watchdogUsec;
    }

    /**
     * From {@code NOTIFY_SOCKET} (a path, or {@code @name} in the abstract namespace) and {@code
     * WATCHDOG_USEC}.
     */
    public static SystemdNotify fromEnvironment(Map<String, String> env) {
        String socket = env.get("NOTIFY_SOCKET");
        Optional<AFUNIXSocketAddress> target = Optional.empty();
        if (socket != null && !socket.isEmpty()) {
            try {
                target =
                        Optional.of(
                                socket.startsWith("@")
                                        ? AFUNIXSocketAddress.inAbstractNamespace(
                                                socket.substring(1))
                                        : AFUNIXSocketAddress.of(Path.of(socket)));
            } catch (IOException | RuntimeException | LinkageError e) {
                Logger.error(
                        "NOTIFY_SOCKET={} cannot be used ({}): systemd will not hear from"
                                + " latchkeyd",
                        socket,
                        e);
            }
        }
        String usec = env.get("WATCHDOG_USEC");
        String pid = env.get("WATCHDOG_PID");
        boolean forUs = pid == null || pid.equals(Long.toString(ProcessHandle.current().pid()));
        long watchdog =
                usec != null && usec.matches("\\d{1,15}") && forUs ? Long.parseLong(usec) : 0;
        return new SystemdNotify(target, watchdog);
    }

    public boolean enabled() {
        return target.isPresent();
    }

    public void ready() {
        send("READY=1\nSTATUS=serving");
    }

    public void stopping() {
        send("STOPPING=1\nSTATUS=shutting down");
    }

    public void watchdog() {
        send("WATCHDOG=1");
    }

    /** The watchdog interval systemd asked for, halved; 0 when there is no watchdog. */
    public long watchdogPingMillis() {
        return target.isPresent() ? watchdogUsec / 2000 : 0;
    }

    private synchronized void send(String message) {
        if (target.isEmpty()) {
            return;
        }
        byte[] bytes = message.getBytes(StandardCharsets.UTF_8);
        try {
            if (socket == null) {
                socket = AFUNIXDatagramChannel.open();
            }
            socket.send(ByteBuffer.wrap(bytes), target.get());
            warned = false;
        } catch (IOException | RuntimeException | LinkageError e) {
            if (!warned) {
                Logger.error("sd_notify to {} failed: {}", target.get(), e.toString());
                warned = true;
            }
        }
    }

    @Override
    public synchronized void close() {
        if (socket != null) {
            try {
                socket.close();
            } catch (IOException e) {
                // closing a datagram socket has nothing left to lose
            }
            socket = null;
        }
    }
}
