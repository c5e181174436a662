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
import dev.bulwark.agent.registry.StateDirectory;
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
 * {@code GET /v1/flows} (flow events as lines, streamed). With a state directory, the attached endpoints
 * outlive the process: a restarted agent attaches them again before it subscribes ({@link AttachedEndpoints}).
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
    private final AgentDatapath datapath;
    private final StateApplier applier;
    private final ManagedChannel channel;
    private final PolicyStreamClient client;
    private final AttachedEndpoints endpoints;
    private final EndpointApi endpointApi;
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
            // Its own owner name: the distributor allocates for this node's pods as owner <node>, renews that
            // lease and releases what no pod of the node needs; sharing the name would let each drop the other's references.
            this.allocator = new EndpointIdentities(identityChannel, EndpointIdentities.ownerFor(config.nodeName()), Duration.ofSeconds(5));
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
        this.endpoints = new AttachedEndpoints(datapath, applier, client::state,
                config.stateDir() == null ? null : new StateDirectory(config.stateDir()), log::println);
        this.endpointApi = new EndpointApi(vertx, sync, endpoints, allocator, datapath.enforcing(), log);
    }

    private AgentDatapath chooseDatapath() {
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

    /**
     * Restores the persisted endpoints (on the sync thread, before any state is held, so their pinned maps
     * stay as they are until the first state), then starts the stream client and the HTTP API; returns the
     * API port.
     */
    public int start() throws Exception {
        if (endpointAuth != null) {
            log.println("agent: endpoint auth listening on " + endpointAuth.start());
        }
        AttachedEndpoints.RestoreReport restored = sync.submit(endpoints::restore).get();
        client.start();
        if (allocator != null) {
            endpointApi.reallocate(restored);
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
                    client.state(), datapath, endpoints.registry().names())).get()).onComplete(r -> {
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
            case "POST /v1/endpoints" -> req.body().onSuccess(b -> endpointApi.attach(req, b.toJsonObject()));
            case "DELETE /v1/endpoints" -> endpointApi.detach(req, req.getParam("name"));
            default -> req.response().setStatusCode(404).end("no route " + req.method() + " " + path + "\n");
        }
    }

    JsonObject status() {
        return StatusView.status(config, client.status(), datapath, endpoints);
    }

    String metrics() {
        return StatusView.metrics(client.status(), datapath);
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
