package dev.bulwark.agent.server;

import dev.bulwark.agent.registry.EndpointRecord;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;

/**
 * The endpoint half of the agent's local API: {@code POST /v1/endpoints} {name, netns, interface, labels}
 * attaches (with {@code --identity}, after allocating the identity of the labels), {@code DELETE
 * /v1/endpoints?name=} detaches (and releases it); and, after a restart, the restored endpoints' identities
 * are taken again. Bad input is answered 400 naming the field, nothing changed.
 *
 * <p>Concurrency: handlers run on the Vert.x event loop, identity calls on its worker threads, and every
 * endpoint change on the agent's sync thread ({@link AttachedEndpoints}).
 */
final class EndpointApi {

    private final Vertx vertx;
    private final ExecutorService sync;
    private final AttachedEndpoints endpoints;
    private final EndpointIdentities allocator;
    private final boolean enforcing;
    private final PrintWriter log;

    /** {@code allocator} null: no identity allocator (identities come from the distributor only). */
    EndpointApi(Vertx vertx, ExecutorService sync, AttachedEndpoints endpoints, EndpointIdentities allocator,
                boolean enforcing, PrintWriter log) {
        this.vertx = vertx;
        this.sync = sync;
        this.endpoints = endpoints;
        this.allocator = allocator;
        this.enforcing = enforcing;
        this.log = log;
    }

    /**
     * Takes this node's identity references again for the restored endpoints (Allocate is idempotent per
     * owner and label set; the references lapsed if the lease expired while the agent was down), off the
     * sync thread so an unreachable allocator does not hold up policy. Until it answers, the persisted
     * identity stands.
     */
    void reallocate(AttachedEndpoints.RestoreReport restored) {
        for (String name : restored.restored()) {
            endpoints.registry().get(name).filter(r -> !r.labels().isEmpty()).ifPresent(r ->
                    vertx.executeBlocking(() -> allocator.allocate(r.labels())).onComplete(a -> {
                        if (a.succeeded()) {
                            sync.execute(() -> endpoints.recordIdentity(name, a.result()));
                        } else {
                            log.println("agent: identity of restored endpoint " + name + " not re-allocated: " + a.cause());
                        }
                    }));
        }
    }

    void attach(HttpServerRequest req, JsonObject body) {
        EndpointRecord requested;
        try {
            String iface = text(body, "interface", "");
            if (enforcing && (iface == null || iface.isEmpty())) {
                throw new IllegalArgumentException("interface: the host interface's name is required");
            }
            if (!(body.getValue("labels", new JsonObject()) instanceof JsonObject given)) {
                throw new IllegalArgumentException("labels: expected an object of key: value");
            }
            Map<String, String> labels = new TreeMap<>();
            given.forEach(e -> labels.put(e.getKey(), String.valueOf(e.getValue())));
            requested = EndpointRecord.of(text(body, "name", null), text(body, "netns", "/proc/1/ns/net"), iface, 0)
                    .withLabels(labels);
        } catch (IllegalArgumentException e) {
            req.response().setStatusCode(400).end("body: " + e.getMessage() + "\n");
            return;
        }
        vertx.<EndpointRecord>executeBlocking(() -> {
            EndpointRecord r = allocator != null && !requested.labels().isEmpty()
                    ? requested.withIdentity(allocator.allocate(requested.labels())) : requested;
            Change attached = sync.submit(() -> {
                int previous = endpoints.registry().get(r.name()).map(EndpointRecord::identity).orElse(0);
                int index = endpoints.attach(r);
                // Re-added with other labels: the identity it had is this node's no more, unless another endpoint has it.
                return new Change(true, index, previous != r.identity() && !inUse(previous) ? previous : 0);
            }).get();
            release(attached.releasable());
            return r.withIfindex(attached.index());
        }).onComplete(r -> {
            if (r.succeeded()) {
                JsonObject out = new JsonObject().put("name", r.result().name()).put("ifindex", r.result().ifindex());
                if (r.result().identity() != 0) {
                    out.put("identity", Integer.toUnsignedLong(r.result().identity()));
                }
                req.response().end(out.encode());
            } else {
                req.response().setStatusCode(500).end("attach " + requested.name() + ": " + r.cause().getMessage() + "\n");
            }
        });
    }

    /** What an attach or detach did: whether the endpoint was there (detach), its ifindex (attach), an identity to release or 0. */
    private record Change(boolean found, int index, int releasable) {
    }

    /** Whether an attached endpoint has identity {@code id} (sync thread). */
    private boolean inUse(int id) {
        return id != 0 && endpoints.registry().records().stream().anyMatch(e -> e.identity() == id);
    }

    private void release(int identity) {
        if (identity != 0 && allocator != null) {
            allocator.release(identity);
        }
    }

    /** Field {@code field} of a request body: a string, or {@code absent} when it is not there. */
    private static String text(JsonObject body, String field, String absent) {
        Object v = body.getValue(field, absent);
        if (v != null && !(v instanceof String)) {
            throw new IllegalArgumentException(field + ": expected a string, got " + v);
        }
        return (String) v;
    }

    void detach(HttpServerRequest req, String name) {
        if (name == null) {
            req.response().setStatusCode(400).end("query parameter name is required\n");
            return;
        }
        vertx.<Boolean>executeBlocking(() -> {
            Change removed = sync.submit(() -> {
                Optional<EndpointRecord> r = endpoints.detach(name);
                // Two endpoints with the same labels share one identity (and this node's one reference on it).
                int identity = r.map(EndpointRecord::identity).orElse(0);
                return new Change(r.isPresent(), 0, inUse(identity) ? 0 : identity);
            }).get();
            release(removed.releasable());
            return removed.found();
        }).onComplete(r -> req.response().setStatusCode(r.succeeded() && r.result() ? 200 : 404)
                .end(r.succeeded() ? "" : r.cause().getMessage()));
    }
}
