package dev.bulwark.chaos.convergence;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bulwark.chaos.convergence.Observation.AgentRow;
import dev.bulwark.chaos.convergence.Observation.AgentView;
import dev.bulwark.chaos.convergence.Observation.DistributorView;
import dev.bulwark.chaos.convergence.Observation.EndpointView;
import dev.bulwark.chaos.convergence.Observation.HeldView;
import dev.bulwark.model.Label;
import dev.bulwark.model.LabelSet;
import dev.bulwark.model.policy.Direction;
import dev.bulwark.model.policy.PolicyEntry;
import dev.bulwark.model.policy.PolicyKey;
import dev.bulwark.proto.identity.v1.IdentityServiceGrpc;
import dev.bulwark.proto.identity.v1.LookupRequest;
import dev.bulwark.proto.identity.v1.LookupResponse;
import dev.bulwark.proto.policy.v1.AgentMessage;
import dev.bulwark.proto.policy.v1.AgentState;
import dev.bulwark.proto.policy.v1.AuthMode;
import dev.bulwark.proto.policy.v1.DistributorMessage;
import dev.bulwark.proto.policy.v1.EndpointDelta;
import dev.bulwark.proto.policy.v1.MapEntry;
import dev.bulwark.proto.policy.v1.MapKey;
import dev.bulwark.proto.policy.v1.PolicyDelta;
import dev.bulwark.proto.policy.v1.PolicyDistributionGrpc;
import dev.bulwark.proto.policy.v1.StatusRequest;
import dev.bulwark.proto.policy.v1.StatusResponse;
import dev.bulwark.proto.policy.v1.Subscribe;
import dev.bulwark.proto.policy.v1.Verdict;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The harness's reads and the kubelet's writes, each with a deadline: distributor Status (gRPC), agent
 * {@code GET /v1/policy} and {@code /v1/status}, endpoint attach and detach on the agents' local API, and
 * identity Lookup by label set on the allocator replicas. Thread-safe (channels and the HTTP client are).
 */
public final class Probes implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Stack stack;
    private final Duration timeout;
    private final HttpClient http;
    private final Map<String, ManagedChannel> channels = new LinkedHashMap<>();

    public Probes(Stack stack, Duration timeout) {
        this.stack = stack;
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
        for (String d : Stack.DISTRIBUTORS) {
            channels.put(d, channel(stack.distributorAddress(d)));
        }
        for (String n : Stack.ALLOCATORS) {
            channels.put(n, channel(stack.allocatorAddress(n)));
        }
    }

    private static ManagedChannel channel(String hostPort) {
        int i = hostPort.lastIndexOf(':');
        return NettyChannelBuilder.forAddress(hostPort.substring(0, i), Integer.parseInt(hostPort.substring(i + 1)))
                .usePlaintext().build();
    }

    public DistributorView distributor(String d) {
        try {
            StatusResponse s = PolicyDistributionGrpc.newBlockingStub(channels.get(d))
                    .withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS)
                    .status(StatusRequest.newBuilder().setIncludeAgents(true).build());
            Map<String, AgentRow> rows = new TreeMap<>();
            for (AgentState a : s.getAgentsList()) {
                rows.put(a.getNodeName(), new AgentRow(a.getAckedVersion(), a.getCurrentVersion(), a.getLagRevisions(),
                        a.getNacks(), a.getLastNack(), a.getInflightMs()));
            }
            return new DistributorView(d, null, s.getRevision(), rows);
        } catch (StatusRuntimeException e) {
            return new DistributorView(d, e.getStatus().getCode() + " " + e.getStatus().getDescription(), 0, Map.of());
        }
    }

    /** The agent's {@code GET /v1/policy}, entries rendered as {@link Observation#entry}. */
    public AgentView agent(String a) {
        String node = stack.nodeOf(a);
        String dist = stack.distributorOf(a);
        try {
            JsonNode doc = JSON.readTree(get(a, "/v1/policy"));
            Map<String, EndpointView> endpoints = new TreeMap<>();
            doc.path("endpoints").properties().forEach(e -> {
                TreeSet<String> entries = new TreeSet<>();
                for (JsonNode x : e.getValue().path("entries")) {
                    PolicyKey key = new PolicyKey(Integer.parseUnsignedInt(x.path("identity").asText()),
                            Direction.valueOf(x.path("direction").asText().toUpperCase(Locale.ROOT)), x.path("protocol").asInt(),
                            x.path("port").asInt(), x.path("portPrefixLength").asInt());
                    entries.add(Observation.entry(key, new PolicyEntry(x.path("deny").asBoolean(), x.path("proxyPort").asInt(),
                            x.path("authRequired").asBoolean(), "")));
                }
                endpoints.put(e.getKey(), new EndpointView(e.getValue().path("identity").asLong(), entries));
            });
            Map<String, Long> ipcache = new TreeMap<>();
            doc.path("ipcache").properties().forEach(e -> ipcache.put(e.getKey(), e.getValue().asLong()));
            return new AgentView(a, node, dist, null, doc.path("version").asLong(), endpoints, ipcache, stream(a));
        } catch (IOException | RuntimeException e) {
            return AgentView.unreadable(a, node, dist, e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    /** The agent's stream client in one line, from {@code GET /v1/status} (for the checker's messages). */
    private String stream(String a) {
        try {
            JsonNode s = JSON.readTree(get(a, "/v1/status"));
            String error = s.path("lastError").asText("");
            return (s.path("connected").asBoolean() ? "connected" : "not connected") + ", version "
                    + s.path("version").asLong() + ", " + s.path("acks").asLong() + " ACKs, " + s.path("nacks").asLong()
                    + " NACKs, " + s.path("reconnects").asLong() + " reconnects" + (error.isEmpty() ? "" : ", last error: " + error);
        } catch (IOException | RuntimeException e) {
            return "status unreadable: " + e.getMessage();
        }
    }

    /**
     * What distributor {@code d} holds for {@code node}: the full state it sends a subscriber that holds
     * nothing (a probe stream of its own, closed after the first delta). Opens a second session for the node
     * on that replica while it runs, so it is for diagnosis after the last observation only.
     */
    public HeldView held(String d, String node) {
        CompletableFuture<PolicyDelta> first = new CompletableFuture<>();
        StreamObserver<AgentMessage> requests = PolicyDistributionGrpc.newStub(channels.get(d)).stream(new StreamObserver<>() {
            @Override
            public void onNext(DistributorMessage m) {
                if (m.hasDelta()) {
                    first.complete(m.getDelta());
                }
            }

            @Override
            public void onError(Throwable t) {
                first.completeExceptionally(t);
            }

            @Override
            public void onCompleted() {
                first.completeExceptionally(new IOException("stream ended before a full state"));
            }
        });
        try {
            requests.onNext(AgentMessage.newBuilder().setSubscribe(Subscribe.newBuilder().setNodeName(node)
                    .setAgentInstanceId("chaos-convergence-probe")).build());
            PolicyDelta full = first.get(Math.max(5_000, timeout.toMillis()), TimeUnit.MILLISECONDS);
            Map<String, Long> ipcache = new TreeMap<>();
            full.getIpcacheUpsertsList().forEach(e -> ipcache.put(e.getPrefix(), Integer.toUnsignedLong(e.getIdentity())));
            Map<String, EndpointView> endpoints = new TreeMap<>();
            for (EndpointDelta e : full.getEndpointsList()) {
                TreeSet<String> entries = new TreeSet<>();
                for (MapEntry me : e.getAddsList()) {
                    MapKey k = me.getKey();
                    entries.add(Observation.entry(new PolicyKey(k.getRemoteIdentity(),
                            k.getDirection() == dev.bulwark.proto.policy.v1.Direction.DIRECTION_INGRESS ? Direction.INGRESS
                                    : Direction.EGRESS, k.getProtocol(), k.getPort(), k.getPortPrefixLen()),
                            new PolicyEntry(me.getValue().getVerdict() == Verdict.VERDICT_DENY, me.getValue().getProxyPort(),
                                    me.getValue().getAuth() == AuthMode.AUTH_MODE_REQUIRED, "")));
                }
                endpoints.put(e.getName(), new EndpointView(Integer.toUnsignedLong(e.getIdentity()), entries));
            }
            return new HeldView(d, node, null, full.getVersion(), endpoints, ipcache);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return HeldView.unreadable(d, node, "interrupted");
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
            return HeldView.unreadable(d, node, cause.getClass().getSimpleName() + ": " + cause.getMessage());
        } finally {
            try {
                requests.onCompleted();
            } catch (RuntimeException alreadyEnded) {
                // the stream failed; nothing to close
            }
        }
    }

    /** An agent's {@code GET /v1/status}: the version it acknowledged and the endpoints attached. */
    public record AgentStatus(long version, Set<String> endpoints) {
    }

    public AgentStatus status(String a) throws IOException {
        Set<String> out = new TreeSet<>();
        JsonNode doc = JSON.readTree(get(a, "/v1/status"));
        doc.path("endpoints").forEach(n -> out.add(n.asText()));
        return new AgentStatus(doc.path("version").asLong(), out);
    }

    /** True once the agent's API answers. */
    public boolean agentUp(String a) {
        try {
            get(a, "/v1/status");
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    public void attach(String a, String endpoint, Map<String, String> labels) throws IOException {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", endpoint);
        body.put("labels", labels);
        send(a, HttpRequest.newBuilder(uri(a, "/v1/endpoints")).POST(HttpRequest.BodyPublishers.ofString(
                JSON.writeValueAsString(body))), 200);
    }

    public void detach(String a, String endpoint) throws IOException {
        send(a, HttpRequest.newBuilder(uri(a, "/v1/endpoints?name=" + URLEncoder.encode(endpoint, StandardCharsets.UTF_8)))
                .DELETE(), 200);
    }

    /**
     * The allocator's identity of each label set it holds, asking the replicas in turn (a Lookup is
     * read-only and never allocates); sets no replica could be asked about are absent.
     */
    public Map<LabelSet, Integer> lookup(Set<LabelSet> sets) {
        Map<LabelSet, Integer> out = new HashMap<>();
        for (LabelSet set : sets) {
            LookupRequest req = LookupRequest.newBuilder().setLabels(proto(set)).build();
            for (String n : Stack.ALLOCATORS) {
                try {
                    LookupResponse r = IdentityServiceGrpc.newBlockingStub(channels.get(n))
                            .withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS).lookup(req);
                    if (r.getFound()) {
                        out.put(set, r.getIdentity().getId());
                    }
                    break;
                } catch (StatusRuntimeException e) {
                    // next replica
                }
            }
        }
        return out;
    }

    private static dev.bulwark.proto.identity.v1.LabelSet proto(LabelSet set) {
        dev.bulwark.proto.identity.v1.LabelSet.Builder b = dev.bulwark.proto.identity.v1.LabelSet.newBuilder();
        for (Label l : set) {
            b.addLabels(dev.bulwark.proto.identity.v1.Label.newBuilder().setSource(l.source()).setKey(l.key())
                    .setValue(l.value()));
        }
        return b.build();
    }

    private URI uri(String a, String path) {
        return URI.create("http://" + stack.agentApi(a) + path);
    }

    private String get(String a, String path) throws IOException {
        return send(a, HttpRequest.newBuilder(uri(a, path)).GET(), 200);
    }

    private String send(String a, HttpRequest.Builder req, int expect) throws IOException {
        try {
            HttpResponse<String> r = http.send(req.timeout(timeout).build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != expect) {
                throw new IOException(a + " answered " + r.statusCode() + ": " + r.body().strip());
            }
            return r.body();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    @Override
    public void close() {
        channels.values().forEach(ManagedChannel::shutdownNow);
        http.close();
    }
}
