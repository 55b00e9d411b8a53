package org.latchkey.door;

import org.latchkey.hal.BoltPosition;
import org.latchkey.hal.DoorHardware;
import org.latchkey.hal.HardwareEvent;
import org.latchkey.hal.HardwareListener;
import org.latchkey.hal.Scheduler;
import org.latchkey.store.ModeFile;
import org.latchkey.store.OneTimeStore;
import org.latchkey.token.RejectionReason;
import org.latchkey.token.VerifiedAccess;
import org.tinylog.Logger;

import java.io.IOException;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The thin loop around {@link DoorMachine}: one queue, one thread taking from it, the machine's
 * commands executed in order (bolt, camera, timers, one-time store, mode file, audit, replies).
 * Tests and the bench on virtual time drive it without a thread through {@link #processPending()}.
 */
public final class DoorController implements HardwareListener {
    /**
     * What the door tells the API, the bench and the MQTT bridge: state snapshots and audit
     * records.
     */
    public interface Observer {
        void onStatus(DoorModel model);

        /**
         * @param line the record's line exactly as the audit log holds it; empty when it could not
         *     be written
         */
        void onRecord(AuditRecord record, Optional<String> line);

        /** A visit's signed receipt, for the issuer whose token it was ({@code issuerKid}). */
        default void onReceipt(String issuerKid, long n, String text) {}
    }

    /** What the loop takes from its queue. */
    private sealed interface Item {
        record Event(DoorEvent event) implements Item {}

        /** A timer firing, stamped so that one cancelled or restarted meanwhile is ignored. */
        record Tick(Timer timer, long generation) implements Item {}

        /** Everything posted before it has been handled. */
        record Barrier(CountDownLatch reached) implements Item {}
    }

    private final DoorMachine machine;
    private final Scheduler scheduler;
    private final OneTimeStore store;
    private final ModeFile modeFile;
    private final AuditTrail audit;
    private final InstantSource clock;
    private final StoreHealth health;
    private final LinkedBlockingQueue<Item> queue = new LinkedBlockingQueue<>();
    private final Map<Long, CompletableFuture<Outcome>> pending = new ConcurrentHashMap<>();
    private final AtomicLong requestIds = new AtomicLong();
    private final Map<Timer, Scheduler.Cancellable> timers = new EnumMap<>(Timer.class);
    private final Map<Timer, Long> generations = new EnumMap<>(Timer.class);
    private final List<Observer> observers = new CopyOnWriteArrayList<>();
    private final CountDownLatch stopped = new CountDownLatch(1);

    private DoorHardware hardware;
    private volatile DoorModel model;

    /**
     * @param mode the mode the door starts in: the persisted one if there is one, else the config's
     */
    public DoorController(
            DoorSettings settings,
            Mode mode,
            Scheduler scheduler,
            OneTimeStore store,
            ModeFile modeFile,
            AuditTrail audit,
            InstantSource clock,
            StoreHealth health) {
        this.machine = new DoorMachine(settings);
        this.health = health;
        this.scheduler = scheduler;
        this.store = store;
        this.modeFile = modeFile;
        this.audit = audit;
        this.clock = clock;
        this.model = DoorModel.initial(mode);
    }

    /**
     * Attaches the hardware (opened with this controller as its listener) and reads the sensors.
     *
     * @param modeSource where the starting mode came from, for the start-up record
     */
    public void start(DoorHardware hw, String modeSource) {
        this.hardware = hw;
        post(
                new DoorEvent.Started(
                        hw.contact().state(),
                        hw.bolt().position(),
                        hw.camera().ready(),
                        modeSource));
    }

    public void addObserver(Observer o) {
        observers.add(o);
    }

    public void removeObserver(Observer o) {
        observers.remove(o);
    }

    public DoorModel model() {
        return model;
    }

    /** Any thread: hand an event to the loop. */
    public void post(DoorEvent event) {
        queue.add(new Item.Event(event));
    }

    @Override
    public void onEvent(HardwareEvent event) {
        post(
                switch (event) {
                    case HardwareEvent.DoorChanged d -> new DoorEvent.DoorMoved(d.state());
                    case HardwareEvent.BoltSettled b -> new DoorEvent.BoltSettled(b.position());
                    case HardwareEvent.CameraReadyChanged c -> new DoorEvent.CameraReady(c.ready());
                });
    }

    /**
     * Any thread: present a verified token; completes with the door's answer.
     *
     * @param auditRefusal whether a refusal is audited on its own record (else the caller counts
     *     it)
     */
    public CompletableFuture<Outcome> present(VerifiedAccess access, boolean auditRefusal) {
        CompletableFuture<Outcome> answer = new CompletableFuture<>();
        if (isStopped()) {
            answer.complete(Outcome.refused(RejectionReason.BUSY, "the door has stopped"));
            return answer;
        }
        long id = requestIds.incrementAndGet();
        pending.put(id, answer);
        post(new DoorEvent.GrantRequested(new Grant(id, access, auditRefusal)));
        return answer;
    }

    /**
     * Any thread: switch the operating mode (already authorised); completes with the door's answer
     * once the mode file has taken it, or with why not.
     */
    public CompletableFuture<Outcome> changeMode(Mode mode) {
        CompletableFuture<Outcome> answer = new CompletableFuture<>();
        if (isStopped()) {
            answer.complete(Outcome.refused(RejectionReason.BUSY, "the door has stopped"));
            return answer;
        }
        long id = requestIds.incrementAndGet();
        pending.put(id, answer);
        post(new DoorEvent.ModeChange(mode, id));
        return answer;
    }

    /**
     * Any thread: an audit record that needs no decision by the machine (refusals before the door,
     * summaries).
     */
    public void record(AuditRecord record) {
        // One at a time, append and tell: observers (the event stream, MQTT's events topic) then
        // see the records in seq order, as collectors checking the chain expect.
        synchronized (recording) {
            Optional<String> line = audit.append(record, clock.instant());
            notifyObservers(o -> o.onRecord(record, line));
        }
    }

    private final Object recording = new Object();

    private void notifyObservers(Consumer<Observer> call) {
        for (Observer o : observers) {
            try {
                call.accept(o);
            } catch (RuntimeException e) {
                Logger.error(e, "an observer failed");
            }
        }
    }

    /** The loop: blocks for events until the machine stops. Run on one dedicated thread. */
    public void run() throws InterruptedException {
        while (!isStopped()) {
            handle(queue.take());
        }
    }

    /** Tests and the bench on virtual time: process everything queued, on the caller's thread. */
    public void processPending() {
        Item next;
        while (!isStopped() && (next = queue.poll()) != null) {
            handle(next);
        }
    }

    /**
     * Waits until the loop has handled everything posted so far (the start's own events: what
     * status says is then what the door found), at most {@code timeout}.
     */
    public boolean awaitHandled(Duration timeout) throws InterruptedException {
        Item.Barrier b = new Item.Barrier(new CountDownLatch(1));
        queue.add(b);
        return b.reached().await(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    public boolean awaitStop(Duration timeout) throws InterruptedException {
        return stopped.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    public boolean isStopped() {
        return stopped.getCount() == 0;
    }

    private void handle(Item item) {
        DoorEvent event =
                switch (item) {
                    case Item.Tick t ->
                            generations.getOrDefault(t.timer(), -1L) == t.generation()
                                    ? new DoorEvent.TimerFired(t.timer())
                                    : null;
                    case Item.Event e -> e.event();
                    case Item.Barrier b -> {
                        b.reached().countDown();
                        yield null;
                    }
                };
        if (event == null) {
            return; // a tick of a timer cancelled or restarted since
        }
        ArrayDeque<DoorEvent> now = new ArrayDeque<>();
        now.add(event);
        while (!now.isEmpty()) {
            DoorModel before = model;
            DoorMachine.Transition t = machine.apply(model, now.poll());
            model = t.model();
            for (DoorCommand c : t.commands()) {
                try {
                    execute(c).ifPresent(now::add);
                } catch (RuntimeException e) {
                    // One failing device call must not take the door's loop down with it. A bolt
                    // that could
                    // not be driven is where nobody knows: the retries and JAMMED take it from
                    // there.
                    Logger.error(e, "command {} failed", c);
                    if (c instanceof DoorCommand.DriveBolt) {
                        now.add(new DoorEvent.BoltSettled(BoltPosition.UNKNOWN));
                    }
                }
            }
            try {
                visits.transition(before, model, t.commands(), clock.instant());
            } catch (RuntimeException e) {
                Logger.error(e, "the visit log failed");
            }
            notifyObservers(o -> o.onStatus(model));
        }
    }

    private volatile VisitRecorder visits = VisitRecorder.NONE;

    /** Before {@link #start}: who turns visits into receipts. */
    public void recordVisits(VisitRecorder recorder) {
        this.visits = recorder;
    }

    /** Any thread: tells the observers of a receipt made (MQTT publishes it). */
    public void receiptIssued(String issuerKid, long n, String text) {
        notifyObservers(o -> o.onReceipt(issuerKid, n, text));
    }

    /**
     * Runs one command; a command whose answer the machine needs at once returns it as an event.
     */
    private Optional<DoorEvent> execute(DoorCommand c) {
        switch (c) {
            case DoorCommand.DriveBolt d -> {
                if (d.target() == BoltPosition.LOCKED) {
                    hardware.bolt().lock();
                } else {
                    hardware.bolt().unlock();
                }
            }
            case DoorCommand.Camera cam -> {
                if (cam.recording()) {
                    hardware.camera().startRecording();
                } else {
                    hardware.camera().stopRecording();
                }
            }
            case DoorCommand.StartTimer s -> {
                cancelTimer(s.timer());
                long gen = generations.merge(s.timer(), 1L, Long::sum);
                timers.put(
                        s.timer(),
                        scheduler.schedule(
                                s.after(), () -> queue.add(new Item.Tick(s.timer(), gen))));
            }
            case DoorCommand.CancelTimer x -> cancelTimer(x.timer());
            case DoorCommand.ConsumeOnce co -> {
                var claims = co.grant().access().claims();
                try {
                    OneTimeStore.Result result =
                            store.consume(
                                    co.grant().access().kid(), claims.tokenId(), claims.expires());
                    health.ok(StoreHealth.Part.ONE_TIME_STORE);
                    return Optional.of(new DoorEvent.OnceConsumed(co.grant(), Optional.of(result)));
                } catch (IOException e) {
                    Logger.error("one-time store cannot be written: {}", e.getMessage());
                    health.failed(StoreHealth.Part.ONE_TIME_STORE);
                    return Optional.of(new DoorEvent.OnceConsumed(co.grant(), Optional.empty()));
                }
            }
            case DoorCommand.SaveMode m -> {
                try {
                    modeFile.save(m.mode().name().toLowerCase(Locale.ROOT));
                    health.ok(StoreHealth.Part.MODE_FILE);
                    return Optional.of(new DoorEvent.ModeSaved(m.mode(), m.requestId(), true));
                } catch (IOException e) {
                    Logger.error(
                            "the mode cannot be saved, so a restart would forget it: {}",
                            e.getMessage());
                    health.failed(StoreHealth.Part.MODE_FILE);
                    return Optional.of(new DoorEvent.ModeSaved(m.mode(), m.requestId(), false));
                }
            }
            case DoorCommand.Reply r -> {
                CompletableFuture<Outcome> f = pending.remove(r.requestId());
                if (f != null) {
                    f.complete(r.outcome());
                }
            }
            case DoorCommand.Audit a -> record(a.record());
            case DoorCommand.VisitEnded v -> {} // the visit recorder sees it with the transition
            case DoorCommand.Stop s -> {
                for (Timer t : new ArrayList<>(timers.keySet())) {
                    cancelTimer(t);
                }
                pending.values()
                        .forEach(
                                f ->
                                        f.complete(
                                                Outcome.refused(
                                                        RejectionReason.BUSY,
                                                        "the door has stopped")));
                pending.clear();
                stopped.countDown();
            }
        }
        return Optional.empty();
    }

    private void cancelTimer(Timer t) {
        Scheduler.Cancellable c = timers.remove(t);
        if (c != null) {
            c.cancel();
        }
        generations.merge(t, 1L, Long::sum); // a tick already queued is now stale
    }
}
