package dev.bulwark.agent.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bulwark.proto.identity.v1.AllocateRequest;
import dev.bulwark.proto.policy.v1.AgentMessage;
import dev.bulwark.proto.policy.v1.DistributorMessage;
import dev.bulwark.proto.policy.v1.EndpointDelta;
import dev.bulwark.proto.policy.v1.MapEntry;
import dev.bulwark.proto.policy.v1.MapKey;
import dev.bulwark.proto.policy.v1.MapValue;
import dev.bulwark.proto.policy.v1.PolicyDelta;
import dev.bulwark.proto.policy.v1.Verdict;
import io.grpc.Server;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A restarted agent (model datapath, loopback gRPC and HTTP) restores its endpoints from the state
 * directory: it lists them, re-takes their identities, applies the next policy version to them, and drops
 * the one whose network namespace went while it was down. A state file it cannot read restores nothing,
 * is kept, and does not stop the agent.
 */
@org.junit.jupiter.api.Timeout(value = 180, unit = java.util.concurrent.TimeUnit.SECONDS) // never hang CI
class NodeAgentRestartIT {

    @TempDir
    Path tmp;

    private final HttpClient http = HttpClient.newHttpClient();
    private final NodeAgentModelIT.FakeAllocator allocator = new NodeAgentModelIT.FakeAllocator();
    private final PolicyStreamClientIT.FakeDistributor distributor = new PolicyStreamClientIT.FakeDistributor();
    private Server ids;
    private Server dist;

    @BeforeEach
    void setUp() throws Exception {
        ids = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)).addService(allocator).build().start();
        dist = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)).addService(distributor).build().start();
    }

    @AfterEach
    void tearDown() {
        ids.shutdownNow();
        dist.shutdownNow();
    }

    private NodeAgentConfig config(Path stateDir) {
        return new NodeAgentConfig("node-7", "127.0.0.1", dist.getPort(), "127.0.0.1", 0, Path.of("/sys/fs/bpf/unused"),
                NodeAgentConfig.Mode.MODEL, Duration.ofMillis(50), Duration.ofMillis(500), "127.0.0.1:" + ids.getPort(), stateDir);
    }

    private HttpResponse<String> post(int port, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/endpoints"))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private JsonObject get(int port, String path) throws Exception {
        return new JsonObject(http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString()).body());
    }

    private AgentMessage next(Predicate<AgentMessage> wanted, String what) throws InterruptedException {
        while (true) {
            AgentMessage m = distributor.received.poll(10, TimeUnit.SECONDS);
            assertNotNull(m, "waiting for " + what);
            if (wanted.test(m)) {
                return m;
            }
        }
    }

    /** A full state in which x/a allows TCP {@code port} from identity 100. */
    private static DistributorMessage fullState(long version, int port) {
        return DistributorMessage.newBuilder().setDelta(PolicyDelta.newBuilder().setVersion(version).setFullState(true)
                .setNonce("n" + version).addEndpoints(EndpointDelta.newBuilder().setName("x/a").setIdentity(4242).setReplace(true)
                        .addAdds(MapEntry.newBuilder().setKey(MapKey.newBuilder().setRemoteIdentity(100)
                                .setDirection(dev.bulwark.proto.policy.v1.Direction.DIRECTION_INGRESS).setProtocol(6)
                                .setPort(port).setPortPrefixLen(16)).setValue(MapValue.newBuilder().setVerdict(Verdict.VERDICT_ALLOW)))))
                .build();
    }

    @Test
    void aRestartedAgentListsItsEndpointsAndAppliesTheNextVersionToThem() throws Exception {
        Path state = tmp.resolve("state");
        Path nsA = Files.writeString(tmp.resolve("ns-a"), "stands in for a netns file (the model datapath never enters it)");
        Path nsGone = Files.writeString(tmp.resolve("ns-gone"), "deleted while the agent is down");
        try (NodeAgent agent = new NodeAgent(config(state), new PrintWriter(System.out, true))) {
            int port = agent.start();
            assertEquals(200, post(port, "{\"name\":\"x/a\",\"netns\":\"" + nsA + "\",\"labels\":{\"app\":\"web\"}}").statusCode());
            assertEquals(200, post(port, "{\"name\":\"x/gone\",\"netns\":\"" + nsGone + "\"}").statusCode());
            StreamObserver<DistributorMessage> s = distributor.sessions.poll(10, TimeUnit.SECONDS);
            assertNotNull(s, "the agent subscribed");
            s.onNext(fullState(1, 80));
            assertEquals(1, next(AgentMessage::hasAck, "ack of version 1").getAck().getVersion());
        }
        JsonObject file = new JsonObject(Files.readString(state.resolve("endpoints.json")));
        assertEquals(2, file.getJsonArray("endpoints").size(), file.encode());
        Files.delete(nsGone);
        allocator.calls.clear();
        distributor.sessions.clear();

        StringWriter log = new StringWriter();
        try (NodeAgent again = new NodeAgent(config(state), new PrintWriter(log, true))) {
            int port = again.start();
            AgentMessage sub = next(AgentMessage::hasSubscribe, "the restarted agent's subscription");
            assertEquals(0, sub.getSubscribe().getKnownVersion(), "a new process holds no version");
            JsonObject status = get(port, "/v1/status");
            assertEquals(new JsonArray().add("x/a"), status.getJsonArray("endpoints"), status.encode());
            assertEquals(4242L, status.getJsonObject("identities").getLong("x/a"), status.encode());
            JsonObject restore = status.getJsonObject("restore");
            assertEquals(new JsonArray().add("x/a"), restore.getJsonArray("restored"), restore.encode());
            assertTrue(restore.getJsonObject("dropped").getString("x/gone").contains(nsGone + " is gone"), restore.encode());
            assertTrue(log.toString().contains("endpoint x/gone not restored"), log.toString());

            Object realloc = null;
            while (!(realloc instanceof AllocateRequest)) {
                realloc = allocator.calls.poll(10, TimeUnit.SECONDS);
                assertNotNull(realloc, "the restored endpoint's identity is allocated again");
            }
            assertEquals("web", ((AllocateRequest) realloc).getLabelSets(0).getLabels(0).getValue());

            StreamObserver<DistributorMessage> s = distributor.sessions.poll(10, TimeUnit.SECONDS);
            assertNotNull(s);
            s.onNext(fullState(2, 81));
            assertEquals(2, next(AgentMessage::hasAck, "ack of version 2").getAck().getVersion());
            JsonObject policy = get(port, "/v1/policy");
            JsonArray entries = policy.getJsonObject("endpoints").getJsonObject("x/a").getJsonArray("entries");
            assertEquals(1, entries.size(), policy.encode());
            assertEquals(81, entries.getJsonObject(0).getInteger("port"), "the next version reached the restored endpoint");
        }
        JsonArray persisted = new JsonObject(Files.readString(state.resolve("endpoints.json"))).getJsonArray("endpoints");
        assertEquals(1, persisted.size(), persisted.encode());
        assertEquals("x/a", persisted.getJsonObject(0).getString("name"));
        assertEquals(4242L, persisted.getJsonObject(0).getLong("identity"));
    }

    @Test
    void aStateFileItCannotReadRestoresNothingAndIsKept() throws Exception {
        Path state = Files.createDirectories(tmp.resolve("state"));
        String corrupt = "{\"version\":1,\"endpoints\":[{\"name\":\"x/a\",\"netns\":42}]}";
        Files.writeString(state.resolve("endpoints.json"), corrupt);
        StringWriter log = new StringWriter();
        try (NodeAgent agent = new NodeAgent(config(state), new PrintWriter(log, true))) {
            int port = agent.start();
            JsonObject status = get(port, "/v1/status");
            assertEquals(new JsonArray(), status.getJsonArray("endpoints"), status.encode());
            String rejected = status.getJsonObject("restore").getString("rejected");
            assertEquals(state.resolve("endpoints.json") + ": endpoints[0].netns: expected a non-empty string", rejected);
            assertTrue(log.toString().contains(rejected), log.toString());
            assertEquals(corrupt, Files.readString(state.resolve("endpoints.json")), "nothing changed before an endpoint did");

            HttpResponse<String> bad = post(port, "{\"name\":\"x/b\",\"netns\":5}");
            assertEquals(400, bad.statusCode());
            assertEquals("body: netns: expected a string, got 5\n", bad.body());
            assertEquals(corrupt, Files.readString(state.resolve("endpoints.json")), "bad input changes nothing");

            assertEquals(200, post(port, "{\"name\":\"x/b\",\"netns\":\"" + tmp + "\"}").statusCode());
            assertEquals(corrupt, Files.readString(state.resolve("endpoints.json.rejected")), "kept for the operator");
            assertEquals("x/b", new JsonObject(Files.readString(state.resolve("endpoints.json")))
                    .getJsonArray("endpoints").getJsonObject(0).getString("name"));
        }
    }
}
