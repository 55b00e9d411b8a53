package org.latchkey.api;

import com.fasterxml.jackson.databind.node.ObjectNode;

import org.latchkey.audit.AuditJson;
import org.latchkey.door.AuditRecord;
import org.latchkey.door.DoorController;
import org.latchkey.door.DoorModel;
import org.latchkey.token.Json;

import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Server-Sent Events for {@code GET /v1/events}: a {@code state} event on every state change and
 * one event per audit record (alarms, grants, refusals, door and bolt changes). Called on the
 * door's loop thread, so it only queues; a subscriber too slow to keep up is dropped rather than
 * allowed to hold anything up.
 */
final class EventStream implements DoorController.Observer {
    static final int MAX_SUBSCRIBERS = 16;
    private static final int QUEUE = 512;

    private final Set<BlockingQueue<String>> subscribers = ConcurrentHashMap.newKeySet();
    private final Function<DoorModel, ObjectNode> status;
    private volatile String lastStatus = "";

    EventStream(Function<DoorModel, ObjectNode> status) {
        this.status = status;
    }

    /** A new subscriber's queue, starting with the current state; empty when there are too many. */
    Optional<BlockingQueue<String>> subscribe(DoorModel current) {
        if (subscribers.size() >= MAX_SUBSCRIBERS) {
            return Optional.empty();
        }
        BlockingQueue<String> q = new ArrayBlockingQueue<>(QUEUE);
        ObjectNode now = status.apply(current);
        lastStatus = now.toString(); // what the next change is compared with
        q.add(frame("state", now));
        subscribers.add(q);
        return Optional.of(q);
    }

    void unsubscribe(BlockingQueue<String> q) {
        subscribers.remove(q);
    }

    @Override
    public void onStatus(DoorModel model) {
        if (subscribers.isEmpty()) {
            return; // nobody listens: no JSON, no clock check on the door's loop
        }
        ObjectNode now = status.apply(model);
        String text = now.toString();
        if (!text.equals(lastStatus)) {
            lastStatus = text;
            broadcast(frame("state", now));
        }
    }

    @Override
    public void onRecord(AuditRecord record, Optional<String> line) {
        if (subscribers.isEmpty()) {
            return;
        }
        broadcast(frame(AuditJson.type(record), AuditJson.fields(record)));
    }

    private void broadcast(String frame) {
        for (BlockingQueue<String> q : subscribers) {
            if (!q.offer(frame)) {
                subscribers.remove(q); // too slow: its handler sees the end and closes
                q.clear();
                q.offer("");
            }
        }
    }

    private static String frame(String event, ObjectNode data) {
        return "event: " + event + "\ndata: " + Json.write(data) + "\n\n";
    }
}
