package dev.bulwark.agent.server;

import dev.bulwark.agent.auth.EndpointAuth;
import dev.bulwark.agent.auth.EndpointAuthConfig;
import dev.bulwark.agent.auth.IdentitySvids;
import dev.bulwark.agent.datapath.DatapathConfig;
import dev.bulwark.agent.datapath.FlowEvent;
import dev.bulwark.agent.datapath.ModelDatapath;
import dev.bulwark.agent.datapath.Reason;
import dev.bulwark.agent.datapath.bpf.KernelDatapath;
import dev.bulwark.agent.datapath.bpf.RingBuffer;
import dev.bulwark.agent.sync.NodeDatapath;
import dev.bulwark.agent.sync.PolicyStreamClient;
import dev.bulwark.agent.sync.StateApplier;
import dev.bulwark.mesh.bundle.BundleSource;
import io.grpc.ChannelCredentials;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The node agent: picks the kernel datapath (or, loudly, the model one), follows the distributor stream,
 * and serves a local HTTP API: {@code POST /v1/endpoints} {name, netns, interface} attaches, {@code
 * DELETE /v1/endpoints?name=} detaches, {@code GET /v1/status}, {@code GET /v1/policy} (acknowledged version,
 * each endpoint's map entries read back from the datapath, the ipcache), {@code GET /metrics} (Prometheus text),
 * {@code GET /v1/flows} (flow events as lines, streamed).
 *
 * <p>Concurrency: every datapath mutation (deltas, attach, detach) runs on one single-threaded "sync"
 * executor; HTTP handlers run on the Vert.x event loop and hop to it; the ring-buffer consumer runs on
 * its own thread and hands lines to the event loop for fan-out.
 */
public final class NodeAgent implements AutoCloseable {

    private final NodeAgentConfig config;
    private final PrintWriter log;
    private final ScheduledExecutorService sync = Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "agent-sync"));
    private final Vertx vertx = Vertx.vertx();
    /** Flow subscribers → true for JSON lines, false for text lines. */
    private final Map<HttpServerResponse, Boolean> flowSubscribers = new ConcurrentHashMap<>();
    private final NodeDatapath datapath;
    private final StateApplier applier;
    private final ManagedChannel channel;
    private final PolicyStreamClient client;
    private final Map<String, String> attached = new ConcurrentHashMap<>();
    private final Map<String, Integer> identities = new ConcurrentHashMap<>();
    private final ManagedChannel identityChannel;
    private final EndpointIdentities allocator;
    private volatile boolean running = true;
    private volatile EndpointAuth endpointAuth;
    private HttpServer http;
    private Thread eventPump;

    public NodeAgent(NodeAgentConfig config, PrintWriter log) {
        this(config, log, InsecureChannelCredentials.create());
    }

    /**
     * An agent dialling the distributor and the identity allocator with {@code controlPlane}: mesh-auth's
     * node credentials ({@code NodeCredentials.tls().channelCredentials()}) for mTLS with the node SVID, whose
     * renewals the channels pick up at their next handshake.
     */
    public NodeAgent(NodeAgentConfig config, PrintWriter log, ChannelCredentials controlPlane) {
        this.config = config;
        this.log = log;
        this.datapath = chooseDatapath();
        this.applier = new StateApplier(datapath);
        this.channel = NettyChannelBuilder.forAddress(config.distributorHost(), config.distributorPort(), controlPlane).build();
        if (config.identityTarget() != null) {
            this.identityChannel = io.grpc.Grpc.newChannelBuilder(config.identityTarget(), controlPlane).build();
            this.allocator = new EndpointIdentities(identityChannel, config.nodeName(), Duration.ofSeconds(5));
        } else {
            this.identityChannel = null;
            this.allocator = null;
        }
        this.client = new PolicyStreamClient(channel, config.nodeName(), UUID.randomUUID().toString(), applier, sync,
                config.minBackoff(), config.maxBackoff(),
                s -> {
                    log.println("agent: applied policy version " + s.version() + " (" + s.endpoints().size() + " endpoints, "
                            + s.ipcache().size() + " ipcache entries)");
                    EndpointAuth auth = endpointAuth;
                    if (auth != null) {
                        auth.onState(s);
                    }
                });
    }

    private NodeDatapath chooseDatapath() {
        var why = config.datapath() == NodeAgentConfig.Mode.MODEL
                ? java.util.Optional.of("model datapath requested") : KernelDatapath.unavailable();
        if (why.isEmpty()) {
            KernelDatapath k = KernelDatapath.open(config.pinRoot(), DatapathConfig.DEFAULT);
            log.println("agent: kernel datapath at " + config.pinRoot() + " (pinned endpoints found: " + k.pinnedEndpoints() + ")");
            startEventPump(k);
            return new KernelNodeDatapath(k);
        }
        if (config.datapath() == NodeAgentConfig.Mode.KERNEL) {
            throw new IllegalStateException("kernel datapath unavailable: " + why.get());
        }
        log.println("agent: WARNING: NOT ENFORCING. bpf() unavailable (" + why.get()
                + "); running the model datapath: policy is computed and tracked, no packet is filtered.");
        return new ModelNodeDatapath(new ModelDatapath(DatapathConfig.DEFAULT, InstantSource.system(), this::publish));
    }

    private void startEventPump(KernelDatapath k) {
        RingBuffer ring = k.events();
        eventPump = Thread.ofPlatform().daemon().name("agent-flows").start(() -> {
            try (ring) {
                while (running) {
                    ring.await(200);
                    ring.drain(this::publish);
                }
            }
        });
    }

    private void publish(FlowEvent e) {
        EndpointAuth auth = endpointAuth;
        if (auth != null && e.reason() == Reason.AUTH_REQUIRED) {
            auth.onAuthRequiredDrop();
        }
        if (flowSubscribers.isEmpty()) {
            return;
        }
        String text = e.line() + "\n";
        String json = e.json() + "\n";
        vertx.runOnContext(v -> flowSubscribers.forEach((r, asJson) -> r.write(asJson ? json : text)));
    }

    /**
     * Turns on endpoint-to-endpoint authentication (call before {@link #start}): the handshake listener
     * and pre-authentication over this datapath's auth map, identity SVIDs from {@code issuer} (MeshCA),
     * peers trusted through {@code bundles} (the local and federated bundles).
     */
    public void enableEndpointAuth(EndpointAuthConfig authConfig, IdentitySvids.Issuer issuer, BundleSource bundles) {
        if (endpointAuth != null) {
            throw new IllegalStateException("endpoint auth is already enabled");
        }
        endpointAuth = new EndpointAuth(authConfig, issuer, bundles, datapath.auth(), InstantSource.system(), log::println);
    }

    /** Starts the stream client and the HTTP API; returns the API port. */
    public int start() throws Exception {
        if (endpointAuth != null) {
            log.println("agent: endpoint auth listening on " + endpointAuth.start());
        }
        client.start();
        if (allocator != null) {
            // The lease keeps this node's identity references alive; renew well within any sane TTL.
            sync.scheduleWithFixedDelay(() -> vertx.executeBlocking(allocator::keepAlive), 0, 10, TimeUnit.SECONDS);
        }
        http = vertx.createHttpServer().requestHandler(this::route)
                .listen(config.apiPort(), config.apiHost()).await(10, TimeUnit.SECONDS);
        log.println("agent: node " + config.nodeName() + ", distributor " + config.distributorHost() + ":"
                + config.distributorPort() + ", API http://" + config.apiHost() + ":" + http.actualPort());
        return http.actualPort();
    }

    public PolicyStreamClient client() {
        return client;
    }

    private void route(HttpServerRequest req) {
        String path = req.path();
        switch (req.method().name() + " " + path) {
            case "GET /v1/status" -> req.response().putHeader("content-type", "application/json").end(status().encode());
            case "GET /v1/policy" -> vertx.executeBlocking(() -> sync.submit(() -> PolicyStateView.render(config.nodeName(),
                    client.state(), datapath, attached.keySet())).get()).onComplete(r -> {
                        if (r.succeeded()) {
                            req.response().putHeader("content-type", "application/json").end(r.result().encode());
                        } else {
                            req.response().setStatusCode(500).end("policy state: " + r.cause().getMessage() + "\n");
                        }
                    });
            case "GET /metrics" -> req.response().putHeader("content-type", "text/plain; version=0.0.4").end(metrics());
            case "GET /v1/flows" -> {
                HttpServerResponse r = req.response().setChunked(true).putHeader("content-type", "text/plain");
                boolean json = "json".equals(req.getParam("format"));
                flowSubscribers.put(r, json);
                r.closeHandler(v -> flowSubscribers.remove(r));
                if (json) {
                    r.writeHead(); // headers now: a client waits for them before it reads any flow
                } else {
                    r.write("# flows from node " + config.nodeName() + (datapath.enforcing() ? "" : " (model datapath)") + "\n");
                }
            }
            case "POST /v1/endpoints" -> req.body().onSuccess(b -> attach(req, b.toJsonObject()));
            case "DELETE /v1/endpoints" -> detach(req, req.getParam("name"));
            default -> req.response().setStatusCode(404).end("no route " + req.method() + " " + path + "\n");
        }
    }

    private void attach(HttpServerRequest req, JsonObject body) {
        String name = body.getString("name");
        String netns = body.getString("netns", "/proc/1/ns/net");
        String iface = body.getString("interface");
        if (name == null || name.isEmpty() || (datapath.enforcing() && (iface == null || iface.isEmpty()))) {
            req.response().setStatusCode(400).end("body: name and interface are required\n");
            return;
        }
        JsonObject labels = body.getJsonObject("labels", new JsonObject());
        vertx.<Integer>executeBlocking(() -> {
            if (allocator != null && !labels.isEmpty()) {
                Map<String, String> l = new java.util.TreeMap<>();
                labels.forEach(e -> l.put(e.getKey(), String.valueOf(e.getValue())));
                identities.put(name, allocator.allocate(l));
            }
            return sync.submit(() -> {
                int ifindex = datapath instanceof KernelNodeDatapath k ? k.attach(name, Path.of(netns), iface)
                        : ((ModelNodeDatapath) datapath).attach(name);
                attached.put(name, netns);
                applier.attach(client.state(), name);
                return ifindex;
            }).get();
        }).onComplete(r -> {
            if (r.succeeded()) {
                JsonObject out = new JsonObject().put("name", name).put("ifindex", r.result());
                Integer id = identities.get(name);
                if (id != null) {
                    out.put("identity", Integer.toUnsignedLong(id));
                }
                req.response().end(out.encode());
            } else {
                req.response().setStatusCode(500).end("attach " + name + ": " + r.cause().getMessage() + "\n");
            }
        });
    }

    private void detach(HttpServerRequest req, String name) {
        if (name == null) {
            req.response().setStatusCode(400).end("query parameter name is required\n");
            return;
        }
        vertx.<Boolean>executeBlocking(() -> {
            boolean removed = sync.submit(() -> {
                String netns = attached.remove(name);
                if (netns == null) {
                    return false;
                }
                return datapath instanceof KernelNodeDatapath k ? k.detach(name, Path.of(netns))
                        : ((ModelNodeDatapath) datapath).detach(name);
            }).get();
            Integer id = identities.remove(name);
            if (id != null && allocator != null) {
                allocator.release(id);
            }
            return removed;
        }).onComplete(r -> req.response().setStatusCode(r.succeeded() && r.result() ? 200 : 404)
                .end(r.succeeded() ? "" : r.cause().getMessage()));
    }

    JsonObject status() {
        PolicyStreamClient.Status s = client.status();
        return new JsonObject().put("node", config.nodeName()).put("enforcing", datapath.enforcing())
                .put("version", s.version()).put("connected", s.connected()).put("acks", s.acks()).put("nacks", s.nacks())
                .put("reconnects", s.reconnects()).put("lastError", s.lastError())
                .put("endpoints", new io.vertx.core.json.JsonArray(attached.keySet().stream().sorted().toList()))
                .put("identities", new JsonObject(new java.util.TreeMap<String, Object>(identities)));
    }

    String metrics() {
        PolicyStreamClient.Status s = client.status();
        StringBuilder b = new StringBuilder();
        b.append("# HELP bulwark_agent_policy_version Policy version applied and acknowledged.\n")
                .append("# TYPE bulwark_agent_policy_version gauge\nbulwark_agent_policy_version ").append(s.version()).append('\n')
                .append("# TYPE bulwark_agent_enforcing gauge\nbulwark_agent_enforcing ").append(datapath.enforcing() ? 1 : 0).append('\n')
                .append("# TYPE bulwark_agent_deltas_total counter\n")
                .append("bulwark_agent_deltas_total{result=\"ack\"} ").append(s.acks()).append('\n')
                .append("bulwark_agent_deltas_total{result=\"nack\"} ").append(s.nacks()).append('\n')
                .append("# TYPE bulwark_agent_stream_reconnects_total counter\nbulwark_agent_stream_reconnects_total ")
                .append(s.reconnects()).append('\n');
        if (datapath instanceof KernelNodeDatapath k) {
            b.append("# HELP bulwark_datapath_packets_total Packets by datapath reason (all CPUs).\n")
                    .append("# TYPE bulwark_datapath_packets_total counter\n");
            for (Map.Entry<Reason, Long> e : k.kernel().packetCounts().entrySet()) {
                b.append("bulwark_datapath_packets_total{reason=\"").append(e.getKey().name().toLowerCase(java.util.Locale.ROOT))
                        .append("\"} ").append(e.getValue()).append('\n');
            }
        }
        return b.toString();
    }

    /** Stops the agent; pinned maps and links stay, so enforcement continues without it. */
    @Override
    public void close() {
        running = false;
        client.close();
        if (endpointAuth != null) {
            endpointAuth.close();
        }
        channel.shutdownNow();
        if (identityChannel != null) {
            identityChannel.shutdownNow();
        }
        vertx.close().await();
        sync.shutdown();
        try {
            sync.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (datapath instanceof KernelNodeDatapath k) {
            k.kernel().close();
        }
    }
}
