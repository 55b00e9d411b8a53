package org.latchkey.mqtt;

import java.util.ArrayDeque;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;

/**
 * What the bridge has to publish, filled from the door's loop without ever blocking it. Two kinds:
 * retained topics whose latest value is all that matters (the state, availability, discovery, the
 * last access), kept as "this topic is due" and sent first; and events, a bounded queue in which
 * the oldest are dropped first, counted.
 */
final class Outbox {
    /** One event message. */
    record Event(String topic, byte[] payload) {}

    /** What to send next: a due retained topic or an event. */
    sealed interface Item {
        record Due(String topic) implements Item {}

        record Queued(Event event) implements Item {}
    }

    private final int capacity;
    private final ArrayDeque<Event> events = new ArrayDeque<>();
    private final Set<String> due = new LinkedHashSet<>();
    private long dropped;
    private boolean open;
    private boolean closed;

    Outbox(int capacity) {
        this.capacity = capacity;
    }

    /** An event; when the queue is full the oldest goes. */
    synchronized void event(String topic, byte[] payload) {
        if (events.size() >= capacity) {
            events.pollFirst();
            dropped++;
        }
        events.addLast(new Event(topic, payload));
        notifyAll();
    }

    /** A retained topic's value changed (or must be sent again). */
    synchronized void due(String topic) {
        due.add(topic);
        notifyAll();
    }

    /** After a (re)connect: these topics go out first, in this order. */
    synchronized void dueFirst(java.util.List<String> topics) {
        Set<String> rest = new LinkedHashSet<>(due);
        due.clear();
        due.addAll(topics);
        due.addAll(rest);
        notifyAll();
    }

    /** The broker is reachable (or not): nothing is taken while it is not. */
    synchronized void open(boolean reachable) {
        open = reachable;
        notifyAll();
    }

    /** Waits (bounded) until everything due and queued has been taken. */
    synchronized boolean awaitDrained(long millis) throws InterruptedException {
        long end = System.nanoTime() + millis * 1_000_000;
        while (open && !(due.isEmpty() && events.isEmpty())) {
            long left = (end - System.nanoTime()) / 1_000_000;
            if (left <= 0) {
                return false;
            }
            wait(left);
        }
        return due.isEmpty() && events.isEmpty();
    }

    synchronized void close() {
        closed = true;
        notifyAll();
    }

    /**
     * The next thing to send, retained topics first; waits while the broker is unreachable or
     * nothing is due. Empty once closed.
     */
    synchronized Optional<Item> take() throws InterruptedException {
        while (!closed && (!open || (due.isEmpty() && events.isEmpty()))) {
            wait();
        }
        if (closed) {
            return Optional.empty();
        }
        Item next;
        if (!due.isEmpty()) {
            String topic = due.iterator().next();
            due.remove(topic);
            next = new Item.Due(topic);
        } else {
            next = new Item.Queued(events.pollFirst());
        }
        notifyAll(); // for awaitDrained
        return Optional.of(next);
    }

    /** A send that failed for want of a connection: it goes back to the front. */
    synchronized void putBack(Item item) {
        switch (item) {
            case Item.Due d -> due.add(d.topic());
            case Item.Queued q -> {
                if (events.size() >= capacity) {
                    dropped++;
                } else {
                    events.addFirst(q.event());
                }
            }
        }
        notifyAll();
    }

    /** Events dropped so far because the queue was full. */
    synchronized long dropped() {
        return dropped;
    }

    synchronized int queued() {
        return events.size();
    }
}
