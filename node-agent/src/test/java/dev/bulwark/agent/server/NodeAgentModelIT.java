package dev.bulwark.agent.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bulwark.proto.identity.v1.AllocateRequest;
import dev.bulwark.proto.identity.v1.AllocateResponse;
import dev.bulwark.proto.identity.v1.Allocation;
import dev.bulwark.proto.identity.v1.IdentityServiceGrpc;
import dev.bulwark.proto.identity.v1.KeepAliveRequest;
import dev.bulwark.proto.identity.v1.KeepAliveResponse;
import dev.bulwark.proto.identity.v1.ReleaseRequest;
import dev.bulwark.proto.identity.v1.ReleaseResponse;
import dev.bulwark.proto.policy.v1.AgentMessage;
import dev.bulwark.proto.policy.v1.DistributorMessage;
import dev.bulwark.proto.policy.v1.EndpointDelta;
import dev.bulwark.proto.policy.v1.IpcacheEntry;
import dev.bulwark.proto.policy.v1.MapEntry;
import dev.bulwark.proto.policy.v1.MapKey;
import dev.bulwark.proto.policy.v1.MapValue;
import dev.bulwark.proto.policy.v1.PolicyDelta;
import dev.bulwark.proto.policy.v1.Verdict;
import io.grpc.Server;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The agent on the model datapath (no privileges): it says loudly that it does not enforce, takes
 * endpoint identities from an in-test identity allocator (Allocate on add, Release on remove, lease kept
 * alive) and serves status and metrics.
 */
@org.junit.jupiter.api.Timeout(value = 180, unit = java.util.concurrent.TimeUnit.SECONDS) // never hang CI
class NodeAgentModelIT {

    static final class FakeAllocator extends IdentityServiceGrpc.IdentityServiceImplBase {
        final BlockingQueue<Object> calls = new LinkedBlockingQueue<>();

        @Override
        public void allocate(AllocateRequest r, StreamObserver<AllocateResponse> out) {
            calls.add(r);
            out.onNext(AllocateResponse.newBuilder().setRevision(1)
                    .addAllocations(Allocation.newBuilder().setId(4242).setCreated(true).setLabels(r.getLabelSets(0))).build());
            out.onCompleted();
        }

        @Override
        public void release(ReleaseRequest r, StreamObserver<ReleaseResponse> out) {
            calls.add(r);
            out.onNext(ReleaseResponse.newBuilder().setRevision(2).build());
            out.onCompleted();
        }

        @Override
        public void keepAlive(KeepAliveRequest r, StreamObserver<KeepAliveResponse> out) {
            calls.add(r);
            out.onNext(KeepAliveResponse.newBuilder().setTtlMs(30_000).build());
            out.onCompleted();
        }
    }

    @Test
    void modelAgentWarnsAllocatesIdentitiesAndServesStatus() throws Exception {
        FakeAllocator allocator = new FakeAllocator();
        Server ids = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)).addService(allocator).build().start();
        PolicyStreamClientIT.FakeDistributor distributor = new PolicyStreamClientIT.FakeDistributor();
        Server dist = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                .addService(distributor).build().start();
        StringWriter log = new StringWriter();
        NodeAgentConfig config = new NodeAgentConfig("node-7", "127.0.0.1", dist.getPort(), "127.0.0.1", 0,
                Path.of("/sys/fs/bpf/unused"), NodeAgentConfig.Mode.MODEL, Duration.ofMillis(50), Duration.ofMillis(500),
                "127.0.0.1:" + ids.getPort());
        try (NodeAgent agent = new NodeAgent(config, new PrintWriter(log, true))) {
            int port = agent.start();
            assertTrue(log.toString().contains("WARNING: NOT ENFORCING"), log.toString());
            HttpClient http = HttpClient.newHttpClient();
            String base = "http://127.0.0.1:" + port;
            HttpResponse<String> added = http.send(HttpRequest.newBuilder(URI.create(base + "/v1/endpoints"))
                    .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"x/a\",\"labels\":{\"app\":\"web\",\"io.kubernetes.pod.namespace\":\"x\"}}"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, added.statusCode(), added.body());
            assertTrue(added.body().contains("\"identity\":4242"), added.body());
            AllocateRequest alloc = null;
            boolean keptAlive = false;
            for (int i = 0; i < 3 && alloc == null; i++) {
                Object c = allocator.calls.poll(5, TimeUnit.SECONDS);
                if (c instanceof AllocateRequest a) {
                    alloc = a;
                }
                keptAlive |= c instanceof KeepAliveRequest k && k.getOwner().equals("agent.node-7");
            }
            assertNotNull(alloc);
            assertEquals("agent.node-7", alloc.getOwner(), "the agent's own owner name, not the distributor's <node>");
            assertEquals("k8s", alloc.getLabelSets(0).getLabels(0).getSource());

            String status = http.send(HttpRequest.newBuilder(URI.create(base + "/v1/status")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            assertTrue(status.contains("\"enforcing\":false") && status.contains("\"x/a\":4242"), status);
            String metrics = http.send(HttpRequest.newBuilder(URI.create(base + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            assertTrue(metrics.contains("bulwark_agent_enforcing 0"), metrics);

            // GET /v1/policy: the acknowledged version and what the datapath's maps hold for x/a.
            var session = distributor.sessions.poll(10, TimeUnit.SECONDS);
            assertNotNull(session, "the agent subscribed");
            session.onNext(DistributorMessage.newBuilder().setDelta(PolicyDelta.newBuilder().setVersion(5).setFullState(true)
                    .setNonce("n5").addIpcacheUpserts(IpcacheEntry.newBuilder().setPrefix("10.0.0.1/32").setIdentity(100))
                    .addEndpoints(EndpointDelta.newBuilder().setName("x/a").setIdentity(4242).setReplace(true)
                            .addAdds(MapEntry.newBuilder().setKey(MapKey.newBuilder().setRemoteIdentity(100)
                                    .setDirection(dev.bulwark.proto.policy.v1.Direction.DIRECTION_INGRESS).setProtocol(6)
                                    .setPort(80).setPortPrefixLen(16)).setValue(MapValue.newBuilder().setVerdict(Verdict.VERDICT_ALLOW)))))
                    .build());
            AgentMessage ack = null;
            for (int i = 0; i < 3 && (ack == null || !ack.hasAck()); i++) {
                ack = distributor.received.poll(10, TimeUnit.SECONDS);
            }
            assertNotNull(ack);
            assertEquals(5, ack.getAck().getVersion());
            io.vertx.core.json.JsonObject policy = new io.vertx.core.json.JsonObject(http.send(HttpRequest.newBuilder(
                    URI.create(base + "/v1/policy")).build(), HttpResponse.BodyHandlers.ofString()).body());
            assertEquals(5L, policy.getLong("version"), policy.encode());
            io.vertx.core.json.JsonObject xa = policy.getJsonObject("endpoints").getJsonObject("x/a");
            assertEquals(4242L, xa.getLong("identity"), policy.encode());
            assertEquals(1, xa.getJsonArray("entries").size(), policy.encode());
            io.vertx.core.json.JsonObject e = xa.getJsonArray("entries").getJsonObject(0);
            assertEquals("ingress", e.getString("direction"));
            assertEquals("100", e.getString("identity"));
            assertEquals(80, e.getInteger("port"));
            assertEquals(false, e.getBoolean("deny"));
            assertEquals(100L, policy.getJsonObject("ipcache").getLong("10.0.0.1/32"), policy.encode());

            // x/b has the same labels, hence the same identity: removing x/a must not release it. The DELETE
            // answers after its Release (if any) was sent, so the calls recorded by then tell.
            HttpResponse<String> addedB = http.send(HttpRequest.newBuilder(URI.create(base + "/v1/endpoints"))
                    .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"x/b\",\"labels\":{\"app\":\"web\",\"io.kubernetes.pod.namespace\":\"x\"}}"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertTrue(addedB.body().contains("\"identity\":4242"), addedB.body());
            HttpResponse<String> removed = http.send(HttpRequest.newBuilder(URI.create(base + "/v1/endpoints?name=x/a"))
                    .DELETE().build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, removed.statusCode(), removed.body());
            java.util.List<Object> sofar = new java.util.ArrayList<>();
            allocator.calls.drainTo(sofar);
            assertTrue(sofar.stream().noneMatch(c -> c instanceof ReleaseRequest), "x/b still has 4242: " + sofar);
            keptAlive |= sofar.stream().anyMatch(c -> c instanceof KeepAliveRequest);
            assertEquals(200, http.send(HttpRequest.newBuilder(URI.create(base + "/v1/endpoints?name=x/b"))
                    .DELETE().build(), HttpResponse.BodyHandlers.ofString()).statusCode());
            ReleaseRequest rel = null;
            for (int i = 0; i < 5 && rel == null; i++) {
                Object c = allocator.calls.poll(5, TimeUnit.SECONDS);
                keptAlive |= c instanceof KeepAliveRequest;
                if (c instanceof ReleaseRequest r) {
                    rel = r;
                }
            }
            assertNotNull(rel);
            assertEquals(4242, rel.getIds(0));
            assertTrue(keptAlive, "the node's lease was renewed");
            HttpResponse<String> bad = http.send(HttpRequest.newBuilder(URI.create(base + "/v1/endpoints"))
                    .POST(HttpRequest.BodyPublishers.ofString("{\"labels\":{}}")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(400, bad.statusCode());
            assertTrue(bad.body().contains("name"), bad.body());
        } finally {
            ids.shutdownNow();
            dist.shutdownNow();
        }
    }
}
