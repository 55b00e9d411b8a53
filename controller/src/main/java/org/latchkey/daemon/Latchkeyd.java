package org.latchkey.daemon;

import org.latchkey.access.ClockTrust;
import org.latchkey.api.ApiServer;
import org.latchkey.api.StatusJson;
import org.latchkey.assembly.DoorAssembly;
import org.latchkey.config.ConfigException;
import org.latchkey.config.DeviceConfig;
import org.latchkey.config.DeviceConfigLoader;
import org.latchkey.config.WebSettings;
import org.latchkey.door.AuditRecord;
import org.latchkey.door.DoorController;
import org.latchkey.door.DoorEvent;
import org.latchkey.hal.DoorHardware;
import org.latchkey.hal.DoorHardwareFactory;
import org.latchkey.hal.HalConfig;
import org.latchkey.hal.HalException;
import org.latchkey.hal.RealScheduler;
import org.latchkey.hal.sim.SimulatedDoor;
import org.latchkey.mqtt.MqttBridge;
import org.latchkey.scanner.ScannerDevice;
import org.latchkey.scanner.ScannerInput;
import org.latchkey.store.AtomicFiles;
import org.latchkey.store.BootTime;
import org.latchkey.store.LockFile;
import org.latchkey.store.PathSafety;
import org.latchkey.store.StateDir;
import org.latchkey.store.Storage;
import org.latchkey.web.AppFiles;
import org.latchkey.web.WebCertificate;
import org.latchkey.web.WebServer;
import org.tinylog.Logger;
import org.tinylog.provider.ProviderRegistry;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Optional;

/**
 * {@code latchkeyd}: the door as a headless daemon. Wires the configuration, the state directory,
 * the hardware, the controller loop, the API and the scanner; talks to systemd; shuts down safely
 * on SIGTERM.
 */
public final class Latchkeyd {
    static final String USAGE =
            """
            Usage: latchkeyd --config FILE [--simulate] [--port N]
              --config FILE   the door's latchkey.toml
              --simulate      run on the simulated door (adds POST /v1/sim/door and /v1/sim/fault)
              --port N        serve the API on port N instead of the configured one (0: any free port)
              --help, --version
            Exit codes: 0 stopped cleanly, 1 could not start (the reason is logged), 2 usage error.\
            """;

    /** A restart may overlap the end of the last run for a moment; two doors never share one. */
    static final Duration STATE_LOCK_WAIT = Duration.ofSeconds(5);

    /** How often the state directory's lock file is checked. */
    static final Duration LOCK_CHECK = Duration.ofSeconds(1);

    /** The exit code when another process took the state directory (see guardStateLock). */
    static final int EXIT_STATE_TAKEN = 4;

    private Latchkeyd() {}

    /** Parsed command line. */
    record Options(Path config, boolean simulate, Optional<Integer> port) {}

    public static void main(String[] args) {
        if (System.getProperty("tinylog.configuration") == null) {
            System.setProperty("tinylog.configuration", "tinylog-latchkeyd.properties");
        }
        int code;
        try {
            Optional<Options> options = parse(args, System.out);
            code = options.isEmpty() ? 0 : run(options.get());
        } catch (UsageException e) {
            System.err.println("latchkeyd: " + e.getMessage());
            System.err.println(USAGE);
            code = 2;
        }
        System.exit(code);
    }

    static final class UsageException extends Exception {
        UsageException(String message) {
            super(message);
        }
    }

    static Optional<Options> parse(String[] args, PrintStream out) throws UsageException {
        Path config = null;
        boolean simulate = false;
        Optional<Integer> port = Optional.empty();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--config" -> config = Path.of(value(args, ++i, "--config"));
                case "--simulate" -> simulate = true;
                case "--port" -> {
                    String v = value(args, ++i, "--port");
                    if (!v.matches("\\d{1,5}") || Integer.parseInt(v) > 65535) {
                        throw new UsageException("--port: '" + v + "' is not a port number");
                    }
                    port = Optional.of(Integer.parseInt(v));
                }
                case "--help", "-h" -> {
                    out.println(USAGE);
                    return Optional.empty();
                }
                case "--version", "-V" -> {
                    out.println("latchkeyd " + version());
                    return Optional.empty();
                }
                default -> throw new UsageException("unknown argument '" + args[i] + "'");
            }
        }
        if (config == null) {
            throw new UsageException("--config FILE is required");
        }
        return Optional.of(new Options(config, simulate, port));
    }

    private static String value(String[] args, int i, String option) throws UsageException {
        if (i >= args.length) {
            throw new UsageException(option + " needs a value");
        }
        return args[i];
    }

    /** Runs until SIGTERM; returns the exit code. */
    static int run(Options options) {
        Running door;
        try {
            door = Running.start(options);
        } catch (ConfigException | HalException | IOException e) {
            Logger.error("cannot start: {}", e.getMessage());
            shutdownLogging();
            return 1;
        }
        Thread hook = new Thread(door::stop, "latchkeyd-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            door.awaitStopped();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (door.exitCode() != 0) {
            door.stop(); // stopping itself: returns once the door has stopped
        }
        return door.exitCode();
    }

    /**
     * Starts a door in this JVM (tools and tests); {@link Running#stop()} ends it as SIGTERM would.
     */
    public static Running start(Path config, boolean simulate, int port)
            throws ConfigException, HalException, IOException {
        return Running.start(new Options(config, simulate, Optional.of(port)));
    }

    /** A started door and everything that must be stopped with it. */
    public static final class Running {
        private final DeviceConfig config;
        private final DoorAssembly door;
        private final DoorHardware hardware;
        private final RealScheduler scheduler;
        private final RealScheduler feedbackScheduler;
        private final ApiServer api;
        private final Optional<WebServer> web;
        private final SystemdNotify systemd;
        private final Optional<ScannerInput> scanner;
        private final Optional<MqttBridge> mqtt;
        private final Thread loop;
        private final LockFile stateLock;
        private volatile boolean stopping;
        private volatile int exitCode;
        private final java.util.concurrent.CountDownLatch stopped =
                new java.util.concurrent.CountDownLatch(1);

        private Running(
                DeviceConfig config,
                DoorAssembly door,
                DoorHardware hardware,
                RealScheduler scheduler,
                RealScheduler feedbackScheduler,
                ApiServer api,
                Optional<WebServer> web,
                SystemdNotify systemd,
                Optional<ScannerInput> scanner,
                Optional<MqttBridge> mqtt,
                Thread loop,
                LockFile stateLock) {
            this.config = config;
            this.door = door;
            this.hardware = hardware;
            this.scheduler = scheduler;
            this.feedbackScheduler = feedbackScheduler;
            this.api = api;
            this.web = web;
            this.systemd = systemd;
            this.scanner = scanner;
            this.mqtt = mqtt;
            this.loop = loop;
            this.stateLock = stateLock;
        }

        static Running start(Options options) throws ConfigException, HalException, IOException {
            if (!Files.exists(options.config())) {
                DeviceConfigLoader.load(options.config()); // says what is missing, and how to fix
            }
            Optional<String> unsafe = PathSafety.problem(options.config());
            if (unsafe.isPresent()) {
                throw new IOException("the config is not safe: " + unsafe.get());
            }
            // Read where the checked path led, and from there on: a link swapped later moves
            // nothing.
            DeviceConfig config = DeviceConfigLoader.load(options.config().toRealPath());
            HalConfig hal = config.hal();
            if (options.simulate() && hal.driver() != HalConfig.Driver.SIMULATED) {
                hal = hal.withDriver(HalConfig.Driver.SIMULATED);
            }
            checkScanner(config);
            Path state = StateDir.open(config.stateDir());
            LockFile stateLock;
            try {
                stateLock = StateDir.lock(state, "latchkeyd", STATE_LOCK_WAIT);
            } catch (LockFile.HeldException e) {
                throw new IOException(
                        "the state directory "
                                + state
                                + " is in use by another process ("
                                + e.getMessage()
                                + "): two doors must never share one",
                        e);
            }
            try {
                return start(options, config, hal, state, stateLock);
            } catch (ConfigException | HalException | IOException | RuntimeException e) {
                stateLock.close();
                throw e;
            }
        }

        /**
         * A configured device that cannot be a scanner (a mouse, a keyboard's second node, a disk)
         * is refused at start, named; one not plugged in yet is waited for.
         */
        private static void checkScanner(DeviceConfig config) throws ConfigException {
            if (config.scanner().isEmpty()) {
                return;
            }
            Path device = config.scanner().get().device();
            try {
                ScannerDevice.Kind kind = ScannerDevice.system().kindOf(device);
                if (kind instanceof ScannerDevice.Kind.Refused r) {
                    throw new ConfigException(config.source(), "scanner.device", r.why());
                }
                if (kind instanceof ScannerDevice.Kind.Keyboard) {
                    java.util.Optional<String> problem = ScannerInput.keyboardSupportProblem();
                    if (problem.isPresent()) {
                        throw new ConfigException(
                                config.source(),
                                "scanner.device",
                                device + " is a keyboard-mode scanner, but " + problem.get());
                    }
                }
            } catch (java.nio.file.NoSuchFileException e) {
                Logger.warn("scanner {} is not there yet; it is read once plugged in", device);
            } catch (IOException e) {
                Logger.warn("scanner {} cannot be checked: {}", device, e.getMessage());
            }
        }

        private static Running start(
                Options options, DeviceConfig config, HalConfig hal, Path state, LockFile stateLock)
                throws ConfigException, HalException, IOException {
            int leftovers = AtomicFiles.removeLeftovers(state);
            if (leftovers > 0) {
                Logger.info("removed {} temporary file(s) left in {} by a crash", leftovers, state);
            }
            InstantSource wall = InstantSource.system();
            RealScheduler scheduler = new RealScheduler("latchkeyd-timers");
            RealScheduler feedbackScheduler = new RealScheduler("latchkeyd-feedback");
            // A simulated door runs on a developer's machine: its clock counts as synchronised (the
            // floor still applies).
            boolean simulated = hal.driver() == HalConfig.Driver.SIMULATED;
            DoorAssembly door =
                    DoorAssembly.assemble(
                            config,
                            state,
                            Storage.REAL,
                            scheduler,
                            wall,
                            BootTime.SYSTEM,
                            ClockTrust.TIMESYNC_FLAG,
                            simulated);
            DoorController controller = door.controller();
            DoorHardware hardware;
            try {
                hardware = DoorHardwareFactory.open(hal, scheduler, controller);
            } catch (HalException e) {
                scheduler.close();
                door.stop();
                throw e;
            }
            Thread loop =
                    Thread.ofPlatform()
                            .name("latchkeyd-door")
                            .start(
                                    () -> {
                                        try {
                                            controller.run();
                                        } catch (InterruptedException e) {
                                            Thread.currentThread().interrupt();
                                        } catch (RuntimeException e) {
                                            Logger.error(e, "the door loop failed");
                                        }
                                    });
            int port = options.port().orElse(config.api().port());
            Optional<SimulatedDoor> sim =
                    hardware instanceof SimulatedDoor s ? Optional.of(s) : Optional.empty();
            String modeSource = door.modeSource();
            var bridge = new java.util.concurrent.atomic.AtomicReference<MqttBridge>();
            java.util.function.Function<
                            org.latchkey.door.DoorModel,
                            com.fasterxml.jackson.databind.node.ObjectNode>
                    status =
                            m -> {
                                var o = StatusJson.of(m, sim.isPresent(), modeSource);
                                MqttBridge b = bridge.get();
                                if (b != null) {
                                    o.set("mqtt", b.healthJson());
                                }
                                return o;
                            };
            // Before the door starts, so its first records (startup, the bolt) are on the events
            // topic too: the bridge queues them until the broker answers.
            Optional<MqttBridge> mqtt = Optional.empty();
            if (config.mqtt().isPresent()) {
                try {
                    mqtt =
                            Optional.of(
                                    MqttBridge.start(
                                            config.mqtt().get(),
                                            config.lockId(),
                                            version(),
                                            controller,
                                            door.gate(),
                                            status,
                                            wall,
                                            scheduler::elapsed));
                    bridge.set(mqtt.get());
                } catch (MqttBridge.SetupException e) {
                    Logger.error("MQTT bridge off: {}; the door works without it", e.getMessage());
                }
            }

            door.start(hardware, feedbackScheduler);
            try {
                // What the start found (an untrusted clock, damage) is in the model before
                // anyone can ask for the status.
                controller.awaitHandled(Duration.ofSeconds(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }

            ApiServer api;
            try {
                api =
                        ApiServer.start(
                                new InetSocketAddress(config.api().bind(), port),
                                door.gate(),
                                controller,
                                sim,
                                status,
                                () -> door.card(wall),
                                door.receipts());
            } catch (IOException e) {
                mqtt.ifPresent(MqttBridge::close);
                hardware.close();
                scheduler.close();
                door.stop();
                throw new IOException(
                        "cannot serve the API on "
                                + config.api().bind()
                                + ":"
                                + port
                                + ": "
                                + e.getMessage(),
                        e);
            }
            Optional<WebServer> web;
            try {
                web = startWeb(config, state, door, scheduler, wall);
            } catch (IOException e) {
                api.close();
                mqtt.ifPresent(MqttBridge::close);
                hardware.close();
                scheduler.close();
                door.stop();
                throw e;
            }
            Optional<ScannerInput> scanner =
                    config.scanner()
                            .map(
                                    sc ->
                                            new ScannerInput(
                                                    sc.device(),
                                                    door.gate()::presentOrEnrol,
                                                    sc.idleEnd(),
                                                    door.feedback()));
            // A platform thread: opening a device (a FIFO, a tty waiting for carrier) blocks in the
            // kernel, which would pin a virtual thread's carrier — two such, on a two-core
            // machine, and the API's virtual threads never ran again.
            scanner.ifPresent(s -> Thread.ofPlatform().daemon().name("latchkeyd-scanner").start(s));

            SystemdNotify systemd = SystemdNotify.fromEnvironment(System.getenv());
            Running running =
                    new Running(
                            config,
                            door,
                            hardware,
                            scheduler,
                            feedbackScheduler,
                            api,
                            web,
                            systemd,
                            scanner,
                            mqtt,
                            loop,
                            stateLock);
            Logger.info(
                    "latchkeyd serving {} on http://{}:{}{} (state in {})",
                    config.lockId(),
                    config.api().bind(),
                    api.port(),
                    sim.isPresent() ? ", simulated hardware" : "",
                    state);
            System.out.println(
                    "latchkeyd: ready on http://" + config.api().bind() + ":" + api.port());
            System.out.flush();
            systemd.ready();
            // After READY=1: systemd reads a ping before it as noise, and a slow start must not
            // put one there.
            running.feedWatchdog();
            running.guardStateLock();
            return running;
        }

        /**
         * The owner's app over HTTPS ({@code [web]}), its certificate made on first use in the
         * state directory.
         */
        private static Optional<WebServer> startWeb(
                DeviceConfig config,
                Path state,
                DoorAssembly door,
                RealScheduler scheduler,
                java.time.InstantSource wall)
                throws IOException {
            if (config.web().isEmpty()) {
                return Optional.empty();
            }
            WebSettings w = config.web().get();
            String host = w.hostname().orElseGet(WebCertificate::systemHostname);
            WebCertificate cert =
                    WebCertificate.openOrCreate(
                            Storage.REAL,
                            state,
                            host,
                            wall.instant(),
                            new java.security.SecureRandom());
            WebServer web;
            try {
                web =
                        WebServer.start(
                                new InetSocketAddress(w.bind(), w.port()),
                                cert,
                                AppFiles.onClasspath(),
                                () -> door.card(wall),
                                door.gate(),
                                scheduler::elapsed);
            } catch (IOException e) {
                throw new IOException(
                        "cannot serve the owner's app on "
                                + w.bind()
                                + ":"
                                + w.port()
                                + ": "
                                + e.getMessage(),
                        e);
            }
            Logger.info(
                    "the owner's app (latchkey pass) is at https://{}:{} (certificate SHA-256 {})",
                    WebCertificate.localName(host),
                    web.port(),
                    WebCertificate.fingerprint(cert.certificate()));
            return Optional.of(web);
        }

        /** The owner's app's listener, when {@code [web]} is set. */
        Optional<WebServer> web() {
            return web;
        }

        /**
         * Pings systemd's watchdog at half its interval, each time only after the health check
         * passes.
         */
        private void feedWatchdog() {
            long ping = systemd.watchdogPingMillis();
            if (ping > 0) {
                scheduler.schedule(
                        Duration.ofMillis(ping),
                        () -> {
                            if (stopping) {
                                return;
                            }
                            if (healthy()) {
                                systemd.watchdog();
                            } else {
                                Logger.error("health check failed: not pinging the watchdog");
                            }
                            feedWatchdog();
                        });
            }
        }

        /**
         * Every second: the state directory's lock file must still be the one locked. Removed or
         * replaced, it is locked again at once; if another process was quicker, two doors may be
         * writing the same state: this one stops (the door stays locked) and says why.
         */
        private void guardStateLock() {
            scheduler.schedule(
                    LOCK_CHECK,
                    () -> {
                        if (stopping) {
                            return;
                        }
                        if (!stateLock.stillGuards()) {
                            String file = stateLock.file().toString();
                            try {
                                stateLock.retake();
                                Logger.error(
                                        "{} was removed or replaced while latchkeyd held it:"
                                                + " locked again",
                                        file);
                                door.controller()
                                        .record(
                                                new AuditRecord.StateDamaged(
                                                        file,
                                                        "",
                                                        "removed or replaced while latchkeyd held"
                                                                + " it: locked again"));
                            } catch (IOException e) {
                                Logger.error(
                                        "{} was removed or replaced while latchkeyd held it, and"
                                                + " another process has locked it since ({}):"
                                                + " stopping, so that one door writes this state",
                                        file,
                                        e.getMessage());
                                door.controller()
                                        .record(
                                                new AuditRecord.StateDamaged(
                                                        file,
                                                        "",
                                                        "another process took the state directory:"
                                                                + " latchkeyd stopped"));
                                exitCode = EXIT_STATE_TAKEN;
                                Thread.ofPlatform().name("latchkeyd-lock-lost").start(this::stop);
                                return;
                            }
                        }
                        guardStateLock();
                    });
        }

        /** The door loop is alive and the door has not stopped: what the watchdog vouches for. */
        boolean healthy() {
            return loop.isAlive() && !door.controller().isStopped();
        }

        void awaitStopped() throws InterruptedException {
            loop.join();
        }

        /** 0, or why the door stopped itself. */
        int exitCode() {
            return exitCode;
        }

        /**
         * SIGTERM: finish the motion, lock if closed, flush, release the hardware. Bounded in time.
         */
        public void stop() {
            synchronized (this) {
                if (stopping) {
                    awaitStop(); // another thread stops the door: return once it has
                    return;
                }
                stopping = true;
            }
            try {
                stopNow();
            } finally {
                stopped.countDown();
            }
        }

        private void stopNow() {
            systemd.stopping();
            Logger.info("shutting down");
            scanner.ifPresent(ScannerInput::stop);
            web.ifPresent(WebServer::close);
            api.close();
            DoorController controller = door.controller();
            controller.post(new DoorEvent.ShutdownRequested());
            Duration budget =
                    config.hal()
                            .bolt()
                            .travelTime()
                            .multipliedBy(2L * (config.door().lockRetries() + 2))
                            .plus(Duration.ofSeconds(2));
            try {
                if (!controller.awaitStop(budget)) {
                    Logger.error(
                            "the door did not settle within {} ms; releasing the hardware anyway",
                            budget.toMillis());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            door.checkpoint(); // signed, and out on MQTT with the last events
            mqtt.ifPresent(MqttBridge::close); // the last state, then offline
            loop.interrupt();
            door.stopFeedback();
            feedbackScheduler.close();
            hardware.close();
            scheduler.close();
            door.stop();
            systemd.close();
            try {
                stateLock.close();
            } catch (IOException e) {
                Logger.warn("the state directory's lock: {}", e.getMessage());
            }
            Logger.info("stopped: {}", controller.model().stateName());
            shutdownLogging();
        }

        private void awaitStop() {
            try {
                if (!stopped.await(1, java.util.concurrent.TimeUnit.MINUTES)) {
                    System.err.println("latchkeyd: the stop did not finish within a minute");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        ApiServer api() {
            return api;
        }

        /** The MQTT bridge, when configured and its files could be read. */
        public Optional<MqttBridge> mqtt() {
            return mqtt;
        }

        public int port() {
            return api.port();
        }
    }

    /** This build's version, or "(development build)" when not run from the packaged jar. */
    public static String version() {
        String v = Latchkeyd.class.getPackage().getImplementationVersion();
        return v == null ? "(development build)" : v;
    }

    /**
     * Last of all: flush and close the log (tinylog's own shutdown hook is off, so ours can still
     * log).
     */
    static void shutdownLogging() {
        try {
            ProviderRegistry.getLoggingProvider().shutdown();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
