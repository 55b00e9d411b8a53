package org.latchkey.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import org.latchkey.access.AccessGate;
import org.latchkey.door.DoorController;
import org.latchkey.door.DoorModel;
import org.latchkey.door.Outcome;
import org.latchkey.hal.HalConfig;
import org.latchkey.hal.sim.SimulatedDoor;
import org.latchkey.token.Json;
import org.latchkey.token.RejectionReason;
import org.tinylog.Logger;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The local HTTP API on the JDK's HTTP server, one virtual thread per exchange. Every error is JSON
 * with a precise status: 404, 405 (with Allow), 413 (bodies over 4 KiB), 415 (bodies must be
 * text/plain), 429.
 */
public final class ApiServer implements AutoCloseable {
    /** Request bodies larger than this are refused with 413 without being read. */
    public static final int MAX_BODY_BYTES = 4096;

    /** The one exception: a revocation list may grow to the size its verifier accepts. */
    public static final int MAX_REVOCATION_BODY_BYTES =
            org.latchkey.token.SignedToken.MAX_DOCUMENT_BYTES;

    private static final long KEEPALIVE_SECONDS = 15;

    private final HttpServer server;
    private final ExecutorService executor;
    private final AccessGate gate;
    private final DoorController door;
    private final Optional<SimulatedDoor> sim;
    private final Function<DoorModel, ObjectNode> status;
    private final java.util.function.Supplier<Optional<String>> card;
    private final org.latchkey.receipt.ReceiptStore receipts;
    private final EventStream events;

    private ApiServer(
            HttpServer server,
            ExecutorService executor,
            AccessGate gate,
            DoorController door,
            Optional<SimulatedDoor> sim,
            Function<DoorModel, ObjectNode> status,
            java.util.function.Supplier<Optional<String>> card,
            org.latchkey.receipt.ReceiptStore receipts) {
        this.receipts = receipts;
        this.server = server;
        this.executor = executor;
        this.gate = gate;
        this.door = door;
        this.sim = sim;
        this.status = status;
        this.card = card;
        this.events = new EventStream(status);
    }

    /**
     * Binds and starts serving. The simulation endpoints exist only when {@code sim} is present.
     *
     * @param status the door as {@code GET /v1/status} shows it
     * @throws IOException when the address cannot be bound (in use, not local)
     */
    public static ApiServer start(
            InetSocketAddress address,
            AccessGate gate,
            DoorController door,
            Optional<SimulatedDoor> sim,
            Function<DoorModel, ObjectNode> status,
            java.util.function.Supplier<Optional<String>> card,
            org.latchkey.receipt.ReceiptStore receipts)
            throws IOException {
        limitTheJdkServer();
        HttpServer http = HttpServer.create(address, 64);
        ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
        http.setExecutor(executor);
        ApiServer api = new ApiServer(http, executor, gate, door, sim, status, card, receipts);
        door.addObserver(api.events);
        http.createContext("/", api::dispatch);
        http.start();
        return api;
    }

    /**
     * Slow senders and huge headers are cut off by the JDK server itself, before a handler runs;
     * and answers are not held back.
     */
    public static void limitTheJdkServer() {
        System.setProperty(
                "sun.net.httpserver.maxReqTime",
                System.getProperty("sun.net.httpserver.maxReqTime", "10"));
        System.setProperty(
                "sun.net.httpserver.maxReqHeaders",
                System.getProperty("sun.net.httpserver.maxReqHeaders", "64"));
        System.setProperty(
                "sun.net.httpserver.maxReqHeaderSize",
                System.getProperty("sun.net.httpserver.maxReqHeaderSize", "16384"));
        // Answers go out at once: Java 21's server left Nagle's algorithm on, and every answer
        // waited about 40 ms for the client's delayed ACK (21 requests a second in a sequential
        // flood against 237 on Java 25, which sets it by default).
        System.setProperty(
                "sun.net.httpserver.nodelay",
                System.getProperty("sun.net.httpserver.nodelay", "true"));
    }

    public int port() {
        return server.getAddress().getPort();
    }

    @Override
    public void close() {
        door.removeObserver(events);
        server.stop(0);
        executor.shutdownNow();
    }

    private void dispatch(HttpExchange ex) throws IOException {
        try (ex) {
            String path = ex.getRequestURI().getPath();
            switch (path) {
                case "/v1/access" ->
                        post(
                                ex,
                                MAX_BODY_BYTES,
                                body ->
                                        answer(
                                                ex,
                                                await(gate.present(body, client(ex))),
                                                "granted"));
                case "/v1/revocations" ->
                        post(
                                ex,
                                MAX_REVOCATION_BODY_BYTES,
                                body ->
                                        answer(
                                                ex,
                                                gate.installRevocations(body, client(ex)),
                                                "installed"));
                case "/v1/mode" -> post(ex, MAX_BODY_BYTES, body -> mode(ex, body));
                case "/v1/clock" ->
                        post(
                                ex,
                                MAX_BODY_BYTES,
                                body -> answer(ex, gate.resetClock(body, client(ex)), "reset"));
                case "/v1/issuers" -> {
                    if (ex.getRequestMethod().equals("GET")) {
                        json(ex, 200, IssuersJson.of(gate.trusted()));
                    } else {
                        post(
                                ex,
                                MAX_BODY_BYTES,
                                body -> answer(ex, gate.enrol(body, client(ex)), "enrolled"));
                    }
                }
                case "/v1/issuers/remove" ->
                        post(ex, MAX_BODY_BYTES, body -> removeIssuer(ex, body));
                case "/v1/status" -> get(ex, () -> json(ex, 200, status.apply(door.model())));
                case "/v1/events" -> get(ex, () -> stream(ex));
                case "/v1/card" -> get(ex, () -> card(ex));
                case "/v1/receipts" -> get(ex, () -> receipts(ex));
                case "/v1/sim/door" -> simulated(ex, body -> simDoor(ex, body));
                case "/v1/sim/fault" -> simulated(ex, body -> simFault(ex, body));
                default -> error(ex, 404, "NOT_FOUND", "no such endpoint: " + truncate(path));
            }
        } catch (IOException e) {
            Logger.debug("API exchange ended early: {}", e.getMessage());
        } catch (RuntimeException e) {
            Logger.error(e, "API handler failed");
        }
    }

    @FunctionalInterface
    private interface BodyHandler {
        void handle(String body) throws IOException;
    }

    @FunctionalInterface
    private interface Handler {
        void handle() throws IOException;
    }

    private void get(HttpExchange ex, Handler h) throws IOException {
        if (!ex.getRequestMethod().equals("GET")) {
            ex.getResponseHeaders().set("Allow", "GET");
            error(ex, 405, "METHOD_NOT_ALLOWED", "use GET");
            return;
        }
        h.handle();
    }

    private void post(HttpExchange ex, int maxBytes, BodyHandler h) throws IOException {
        if (!ex.getRequestMethod().equals("POST")) {
            ex.getResponseHeaders().set("Allow", "POST");
            error(ex, 405, "METHOD_NOT_ALLOWED", "use POST");
            return;
        }
        Optional<String> body = textBody(ex, maxBytes);
        if (body.isPresent()) {
            h.handle(body.get());
        }
    }

    /**
     * A {@code text/plain} body of at most {@code maxBytes}, or empty with the error answered (415,
     * 413). Latin-1 keeps every byte visible to the token checks, which refuse anything but ASCII.
     */
    public static Optional<String> textBody(HttpExchange ex, int maxBytes) throws IOException {
        String type =
                Optional.ofNullable(ex.getRequestHeaders().getFirst("Content-Type")).orElse("");
        if (!type.toLowerCase(Locale.ROOT).matches("text/plain\\s*(;.*)?")) {
            try (InputStream in = ex.getRequestBody()) {
                in.readNBytes(maxBytes); // read, so the connection stays in step
            }
            error(ex, 415, "UNSUPPORTED_MEDIA_TYPE", "send the body as text/plain");
            return Optional.empty();
        }
        String length = ex.getRequestHeaders().getFirst("Content-Length");
        if (length != null && (!length.matches("\\d{1,10}") || Long.parseLong(length) > maxBytes)) {
            tooLarge(ex, maxBytes);
            return Optional.empty();
        }
        byte[] body;
        try (InputStream in = ex.getRequestBody()) {
            body = in.readNBytes(maxBytes + 1);
        }
        if (body.length > maxBytes) {
            tooLarge(ex, maxBytes);
            return Optional.empty();
        }
        return Optional.of(new String(body, StandardCharsets.ISO_8859_1));
    }

    private void simulated(HttpExchange ex, BodyHandler h) throws IOException {
        if (sim.isEmpty()) {
            error(
                    ex,
                    404,
                    "NOT_FOUND",
                    "simulation endpoints exist only under latchkeyd --simulate");
            return;
        }
        post(ex, MAX_BODY_BYTES, h);
    }

    /**
     * Waits, on this exchange's own virtual thread, for the door's answer (the gate bounds how
     * long).
     */
    private static Outcome await(CompletableFuture<Outcome> answer) {
        try {
            return answer.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Outcome.refused(RejectionReason.BUSY, "interrupted");
        } catch (ExecutionException e) {
            Logger.error(e.getCause(), "the door failed to answer");
            return Outcome.refused(RejectionReason.BUSY, "internal error");
        }
    }

    /**
     * 413, and the connection closed after it: the rest of the body is left unread, so the client
     * must not send its next request on this connection.
     */
    private static void tooLarge(HttpExchange ex, int maxBytes) throws IOException {
        ex.getResponseHeaders().set("Connection", "close");
        error(ex, 413, "PAYLOAD_TOO_LARGE", "bodies here are at most " + maxBytes + " bytes");
    }

    /**
     * The door's answer: {@code {"<okField>":…,"reason":…,"detail":…}}, 200, 403, or 429 for
     * RATE_LIMITED.
     */
    public static void answer(HttpExchange ex, Outcome o, String okField) throws IOException {
        ObjectNode body = Json.object();
        body.put(okField, o.granted());
        o.refusal().ifPresent(r -> body.put("reason", r.name()));
        body.put("detail", o.detail());
        int status =
                o.granted() ? 200 : o.refusal().get() == RejectionReason.RATE_LIMITED ? 429 : 403;
        json(ex, status, body);
    }

    /**
     * Body {@code normal} or {@code privacy}; header {@code Authorization: Bearer <owner token>}.
     */
    private void mode(HttpExchange ex, String body) throws IOException {
        org.latchkey.door.Mode mode =
                switch (body.strip()) {
                    case "normal" -> org.latchkey.door.Mode.NORMAL;
                    case "privacy" -> org.latchkey.door.Mode.PRIVACY;
                    default -> null;
                };
        if (mode == null) {
            error(ex, 400, "BAD_REQUEST", "the body must be normal or privacy");
            return;
        }
        Optional<String> bearer = bearer(ex);
        if (bearer.isEmpty()) {
            return;
        }
        answer(ex, await(gate.changeMode(mode, bearer.get(), client(ex))), "changed");
    }

    /** Body: the enrolled key's id; header {@code Authorization: Bearer <owner token>}. */
    private void removeIssuer(HttpExchange ex, String body) throws IOException {
        String kid = body.strip();
        if (!org.latchkey.token.Paserk.PID.matcher(kid).matches()) {
            error(ex, 400, "BAD_REQUEST", "the body must be the enrolled key's id, k4.pid.…");
            return;
        }
        Optional<String> bearer = bearer(ex);
        if (bearer.isEmpty()) {
            return;
        }
        answer(ex, gate.removeEnrolment(kid, bearer.get(), client(ex)), "removed");
    }

    /** The owner token an exchange carries, or a 401 answered. */
    private Optional<String> bearer(HttpExchange ex) throws IOException {
        String auth =
                Optional.ofNullable(ex.getRequestHeaders().getFirst("Authorization")).orElse("");
        if (!auth.startsWith("Bearer ")) {
            ex.getResponseHeaders().set("WWW-Authenticate", "Bearer");
            error(ex, 401, "UNAUTHORIZED", "send an owner token as Authorization: Bearer <token>");
            return Optional.empty();
        }
        return Optional.of(auth.substring(7));
    }

    /**
     * {@code open} (a person pulls the door: a thrown bolt holds it), {@code force}, or {@code
     * close}.
     */
    private void simDoor(HttpExchange ex, String body) throws IOException {
        SimulatedDoor d = sim.orElseThrow();
        switch (body.strip()) {
            case "open" -> {
                if (!d.openDoor()) {
                    error(
                            ex,
                            409,
                            "BOLT_THROWN",
                            "the bolt holds the door shut (use \"force\" to break it open)");
                    return;
                }
            }
            case "force" -> d.forceOpen();
            case "close" -> d.closeDoor();
            default -> {
                error(ex, 400, "BAD_REQUEST", "the body must be open, force or close");
                return;
            }
        }
        json(ex, 200, Json.object().put("ok", true).put("door", d.contact().state().name()));
    }

    /** A fault of {@link HalConfig.Fault} by its config name, or {@code clear}. */
    private void simFault(HttpExchange ex, String body) throws IOException {
        SimulatedDoor d = sim.orElseThrow();
        body = body.strip();
        if (body.equals("clear")) {
            d.clearFaults();
        } else {
            Optional<HalConfig.Fault> f = HalConfig.Fault.fromConfigName(body);
            if (f.isEmpty()) {
                error(
                        ex,
                        400,
                        "BAD_REQUEST",
                        "the body must be "
                                + java.util.Arrays.stream(HalConfig.Fault.values())
                                        .map(HalConfig.Fault::configName)
                                        .collect(java.util.stream.Collectors.joining(", "))
                                + " or clear");
                return;
            }
            d.inject(f.get());
        }
        ObjectNode o = Json.object().put("ok", true);
        var faults = o.putArray("faults");
        d.faults().forEach(x -> faults.add(x.configName()));
        json(ex, 200, o);
    }

    /** At most this many receipts in one answer; ask again with since = the last one's n. */
    static final int MAX_RECEIPTS_PER_ANSWER = 100;

    /**
     * {@code GET /v1/receipts?since=N&limit=M}: the signed visit receipts numbered after N (0: from
     * the first kept), oldest first, at most M (default and most: 100).
     */
    private void receipts(HttpExchange ex) throws IOException {
        long since = 0;
        int limit = MAX_RECEIPTS_PER_ANSWER;
        String query = ex.getRequestURI().getRawQuery();
        if (query != null && !query.isEmpty()) {
            for (String pair : query.split("&", 8)) {
                java.util.regex.Matcher m =
                        java.util.regex.Pattern.compile("(since|limit)=(\\d{1,16})").matcher(pair);
                if (!m.matches()) {
                    error(
                            ex,
                            400,
                            "BAD_REQUEST",
                            "the query takes since=N (a receipt number) and limit=M (1 to "
                                    + MAX_RECEIPTS_PER_ANSWER
                                    + ")");
                    return;
                }
                long v = Long.parseLong(m.group(2));
                if (m.group(1).equals("since")) {
                    since = v;
                } else {
                    if (v < 1 || v > MAX_RECEIPTS_PER_ANSWER) {
                        error(
                                ex,
                                400,
                                "BAD_REQUEST",
                                "limit must be 1 to " + MAX_RECEIPTS_PER_ANSWER);
                        return;
                    }
                    limit = (int) v;
                }
            }
        }
        ObjectNode body = Json.object();
        var list = body.putArray("receipts");
        long last = since;
        for (var r : receipts.since(since, limit)) {
            list.addObject().put("n", r.n()).put("receipt", r.text());
            last = r.n();
        }
        body.put("last", last);
        body.put("next", receipts.next());
        body.put("dropped", receipts.dropped());
        json(ex, 200, body);
    }

    /** The door card, signed now: what a company needs to address this door. */
    private void card(HttpExchange ex) throws IOException {
        Optional<String> text = card.get();
        if (text.isEmpty()) {
            error(
                    ex,
                    503,
                    "NO_DOOR_KEY",
                    "this door has no door key to sign its card with (see the audit log; latchkey"
                            + " door key)");
            return;
        }
        try {
            json(
                    ex,
                    200,
                    org.latchkey.token.DoorCard.json(
                            org.latchkey.token.DoorCard.verify(text.get())));
        } catch (org.latchkey.token.TokenRejectedException e) {
            Logger.error("the door's own card does not verify: {}", e.getMessage());
            error(ex, 500, "INTERNAL", "the door's card does not verify");
        }
    }

    private void stream(HttpExchange ex) throws IOException {
        Optional<BlockingQueue<String>> sub = events.subscribe(door.model());
        if (sub.isEmpty()) {
            error(
                    ex,
                    503,
                    "TOO_MANY_STREAMS",
                    "at most " + EventStream.MAX_SUBSCRIBERS + " event streams at once");
            return;
        }
        BlockingQueue<String> q = sub.get();
        ex.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
        ex.getResponseHeaders().set("Cache-Control", "no-cache");
        ex.sendResponseHeaders(200, 0);
        try (OutputStream out = ex.getResponseBody()) {
            while (true) {
                String frame = q.poll(KEEPALIVE_SECONDS, TimeUnit.SECONDS);
                if (frame == null) {
                    frame = ": keep-alive\n\n";
                } else if (frame.isEmpty()) {
                    return; // dropped for being too slow
                }
                out.write(frame.getBytes(StandardCharsets.UTF_8));
                out.flush();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            events.unsubscribe(q);
        }
    }

    private static String client(HttpExchange ex) {
        return ex.getRemoteAddress().getAddress().getHostAddress();
    }

    public static void json(HttpExchange ex, int status, ObjectNode body) throws IOException {
        byte[] bytes = (Json.write(body) + "\n").getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    public static void error(HttpExchange ex, int status, String error, String detail)
            throws IOException {
        ObjectNode body = Json.object();
        body.put("error", error);
        body.put("detail", detail);
        json(ex, status, body);
    }

    private static String truncate(String s) {
        return s.length() > 80 ? s.substring(0, 80) + "…" : s;
    }
}
