package org.latchkey.door;

import java.io.IOException;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.latchkey.hal.BoltPosition;
import org.latchkey.hal.DoorHardware;
import org.latchkey.hal.HardwareEvent;
import org.latchkey.hal.HardwareListener;
import org.latchkey.hal.Scheduler;
import org.latchkey.store.AuditLog;
import org.latchkey.store.OneTimeStore;
import org.latchkey.token.VerifiedAccess;

/**
 * The thin loop around {@link DoorMachine}: one queue of events, one thread taking them, the machine's
 * commands executed in order (bolt, camera, timers, one-time store, audit, replies). Tests drive it without
 * a thread through {@link #processPending()} and a virtual-time scheduler.
 */
public final class DoorController implements HardwareListener {
    /** What the door tells the API: state snapshots and audit records (for the event stream). */
    public interface Observer {
        void onStatus(DoorModel model);

        void onRecord(String type, Map<String, Object> fields);
    }

    /** A timer firing, stamped so that one cancelled or restarted meanwhile is ignored. */
    private record TimerTick(Timer timer, long generation) {}

    private final DoorMachine machine;
    private final Scheduler scheduler;
    private final OneTimeStore store;
    private final AuditLog audit;
    private final InstantSource clock;
    private final LinkedBlockingQueue<Object> queue = new LinkedBlockingQueue<>();
    private final Map<Long, CompletableFuture<Outcome>> pending = new ConcurrentHashMap<>();
    private final AtomicLong requestIds = new AtomicLong();
    private final Map<Timer, Scheduler.Cancellable> timers = new EnumMap<>(Timer.class);
    private final Map<Timer, Long> generations = new EnumMap<>(Timer.class);
    private final List<Observer> observers = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final CountDownLatch stopped = new CountDownLatch(1);
    /** Queued or in-progress items: zero when the loop is idle (the bench waits for that on virtual time). */
    private final java.util.concurrent.atomic.AtomicInteger inFlight = new java.util.concurrent.atomic.AtomicInteger();
    private final AtomicLong presented = new AtomicLong();

    private DoorHardware hardware;
    private volatile DoorModel model;

    public DoorController(DoorSettings settings, Scheduler scheduler, OneTimeStore store, AuditLog audit,
            InstantSource clock) {
        this.machine = new DoorMachine(settings);
        this.scheduler = scheduler;
        this.store = store;
        this.audit = audit;
        this.clock = clock;
        this.model = DoorModel.initial(settings.mode());
    }

    /** Attaches the hardware (opened with this controller as its listener) and reads the sensors. */
    public void start(DoorHardware hw) {
        this.hardware = hw;
        post(new DoorEvent.Started(hw.contact().state(), hw.bolt().position(), hw.camera().ready()));
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
        inFlight.incrementAndGet();
        queue.add(event);
    }

    /** How many verified tokens have been handed to the door so far (each already posted when counted). */
    public long presented() {
        return presented.get();
    }

    /** Waits until every posted event has been handled; for the bench on virtual time. */
    public void awaitIdle() {
        while (inFlight.get() > 0 && !isStopped()) {
            java.util.concurrent.locks.LockSupport.parkNanos(20_000);
        }
    }

    @Override
    public void onEvent(HardwareEvent event) {
        post(switch (event) {
            case HardwareEvent.DoorChanged d -> new DoorEvent.DoorMoved(d.state());
            case HardwareEvent.BoltSettled b -> new DoorEvent.BoltSettled(b.position());
            case HardwareEvent.CameraReadyChanged c -> new DoorEvent.CameraReady(c.ready());
        });
    }

    /** Any thread: present a verified token; completes with the door's answer. */
    public CompletableFuture<Outcome> present(VerifiedAccess access) {
        CompletableFuture<Outcome> answer = new CompletableFuture<>();
        if (isStopped()) {
            answer.complete(Outcome.refused(org.latchkey.token.RejectionReason.BUSY, "the door stopped"));
            return answer;
        }
        long id = requestIds.incrementAndGet();
        pending.put(id, answer);
        post(new DoorEvent.GrantRequested(new Grant(id, access)));
        presented.incrementAndGet();
        return answer;
    }

    /** Any thread: an audit record that needs no decision by the machine (refusals before the door, summaries). */
    public void record(String type, Map<String, Object> fields) {
        audit.append(type, fields, clock.instant());
        notifyObservers(o -> o.onRecord(type, fields));
    }

    private void notifyObservers(java.util.function.Consumer<Observer> call) {
        for (Observer o : observers) {
            try {
                call.accept(o);
            } catch (RuntimeException e) {
                org.tinylog.Logger.error(e, "an observer failed");
            }
        }
    }

    /** The loop: blocks for events until the machine stops. Run on one dedicated thread. */
    public void run() throws InterruptedException {
        while (stopped.getCount() > 0) {
            handleCounted(queue.take());
        }
    }

    /** Tests and the fast bench: process everything queued, on the caller's thread. */
    public void processPending() {
        Object next;
        while (stopped.getCount() > 0 && (next = queue.poll()) != null) {
            handleCounted(next);
        }
    }

    public boolean awaitStop(Duration timeout) throws InterruptedException {
        return stopped.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    public boolean isStopped() {
        return stopped.getCount() == 0;
    }

    private void handleCounted(Object item) {
        try {
            handle(item);
        } finally {
            inFlight.decrementAndGet();
        }
    }

    private void handle(Object item) {
        DoorEvent event = switch (item) {
            case TimerTick t -> generations.getOrDefault(t.timer(), -1L) == t.generation()
                    ? new DoorEvent.TimerFired(t.timer())
                    : null;
            case DoorEvent e -> e;
            default -> throw new IllegalStateException("unexpected queue item " + item);
        };
        if (event == null) {
            return;
        }
        ArrayDeque<DoorEvent> now = new ArrayDeque<>();
        now.add(event);
        while (!now.isEmpty()) {
            DoorMachine.Transition t = machine.apply(model, now.poll());
            model = t.model();
            for (DoorCommand c : t.commands()) {
                try {
                    execute(c).ifPresent(now::add);
                } catch (RuntimeException e) {
                    // One failing device call must not take the door's loop down with it. A bolt that could
                    // not be driven is where nobody knows: the retries and JAMMED take it from there.
                    org.tinylog.Logger.error(e, "command {} failed", c);
                    if (c instanceof DoorCommand.DriveBolt) {
                        now.add(new DoorEvent.BoltSettled(BoltPosition.UNKNOWN));
                    }
                }
            }
            notifyObservers(o -> o.onStatus(model));
        }
    }

    /** Runs one command; a command whose answer the machine needs at once returns it as an event. */
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
                timers.put(s.timer(), scheduler.schedule(s.after(), () -> {
                    inFlight.incrementAndGet();
                    queue.add(new TimerTick(s.timer(), gen));
                }));
            }
            case DoorCommand.CancelTimer x -> cancelTimer(x.timer());
            case DoorCommand.ConsumeOnce co -> {
                var claims = co.grant().access().claims();
                try {
                    return Optional.of(new DoorEvent.OnceConsumed(co.grant(),
                            Optional.of(store.consume(co.grant().access().kid(), claims.tokenId(), claims.expires()))));
                } catch (IOException e) {
                    org.tinylog.Logger.error("one-time store cannot be written: {}", e.getMessage());
                    return Optional.of(new DoorEvent.OnceConsumed(co.grant(), Optional.empty()));
                }
            }
            case DoorCommand.Reply r -> {
                CompletableFuture<Outcome> f = pending.remove(r.requestId());
                if (f != null) {
                    f.complete(r.outcome());
                }
            }
            case DoorCommand.Audit a -> record(a.type(), a.fields());
            case DoorCommand.Stop s -> {
                for (Timer t : new ArrayList<>(timers.keySet())) {
                    cancelTimer(t);
                }
                pending.values().forEach(f -> f.complete(
                        Outcome.refused(org.latchkey.token.RejectionReason.BUSY, "the door stopped")));
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
