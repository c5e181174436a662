package dev.bulwark.agent.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bulwark.agent.datapath.bpf.KernelDatapath;
import dev.bulwark.agent.datapath.bpf.Privileged;
import dev.bulwark.agent.netns.PodNetwork;
import dev.bulwark.agent.netns.PortServers;
import dev.bulwark.agent.netns.Probe;
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
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The whole agent on the kernel datapath: endpoints attached through its HTTP API, policy from an
 * in-test distributor over gRPC, real traffic between pod namespaces enforced accordingly, flows
 * streamed from the ring buffer, metrics served; after a restart the endpoints are restored from the state
 * directory (the one whose interface went meanwhile dropped, its pins removed) and the next policy version
 * reaches their pinned maps.
 */
@org.junit.jupiter.api.Timeout(value = 180, unit = java.util.concurrent.TimeUnit.SECONDS) // never hang CI
class NodeAgentPrivilegedIT {

    private static final Duration WAIT = Duration.ofMillis(700);

    @Test
    void agentEnforcesStreamedPolicyOnAttachedEndpointsAndStreamsFlows() throws Exception {
        Privileged.assumeKernelDatapath();
        Path root = Privileged.pinRoot("agent");
        KernelDatapath.destroy(root);
        Path stateDir = Files.createTempDirectory("bulwark-agent-state-");
        PolicyStreamClientIT.FakeDistributor distributor = new PolicyStreamClientIT.FakeDistributor();
        Server server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)).addService(distributor).build().start();
        try (PodNetwork net = PodNetwork.create("bwa" + ProcessHandle.current().pid() % 100_000);
             PortServers servers = new PortServers()) {
            PodNetwork.Pod a = net.addPod("x/a", "10.244.1.1");
            PodNetwork.Pod b = net.addPod("x/b", "10.244.1.2");
            PodNetwork.Pod c = net.addPod("x/c", "10.244.1.3");
            servers.tcp(b.namespace(), b.ip(), 80);
            servers.tcp(b.namespace(), b.ip(), 81);
            NodeAgentConfig config = new NodeAgentConfig("node-1", "127.0.0.1", server.getPort(), "127.0.0.1", 0, root,
                    NodeAgentConfig.Mode.KERNEL, Duration.ofMillis(50), Duration.ofMillis(500), null, stateDir);
            try (NodeAgent agent = new NodeAgent(config, new PrintWriter(System.out, true))) {
                int port = agent.start();
                HttpClient http = HttpClient.newHttpClient();
                String base = "http://127.0.0.1:" + port;
                for (PodNetwork.Pod p : new PodNetwork.Pod[] {a, b, c}) {
                    String body = "{\"name\":\"" + p.name() + "\",\"netns\":\"" + net.node().path() + "\",\"interface\":\"" + p.hostInterface() + "\"}";
                    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/v1/endpoints"))
                            .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
                    assertEquals(200, r.statusCode(), r.body());
                }
                assertFalse(Probe.tcp(a.namespace(), a.ip(), b.ip(), 80, WAIT).connected(), "attached endpoints deny all until policy arrives");

                HttpResponse<InputStream> flows = http.send(HttpRequest.newBuilder(URI.create(base + "/v1/flows")).build(),
                        HttpResponse.BodyHandlers.ofInputStream());
                HttpResponse<InputStream> jsonFlows = http.send(HttpRequest.newBuilder(URI.create(base + "/v1/flows?format=json")).build(),
                        HttpResponse.BodyHandlers.ofInputStream());
                BlockingQueue<String> jsonLines = new LinkedBlockingQueue<>();
                Thread.ofPlatform().daemon().start(() -> {
                    try (BufferedReader in = new BufferedReader(new InputStreamReader(jsonFlows.body(), StandardCharsets.UTF_8))) {
                        for (String l; (l = in.readLine()) != null; ) {
                            jsonLines.add(l);
                        }
                    } catch (java.io.IOException e) {
                        // stream closed at the end of the test
                    }
                });
                BlockingQueue<String> lines = new LinkedBlockingQueue<>();
                Thread.ofPlatform().daemon().start(() -> {
                    try (BufferedReader in = new BufferedReader(new InputStreamReader(flows.body(), StandardCharsets.UTF_8))) {
                        for (String l; (l = in.readLine()) != null; ) {
                            lines.add(l);
                        }
                    } catch (java.io.IOException e) {
                        // stream closed at the end of the test
                    }
                });

                AgentMessage sub = distributor.received.poll(10, TimeUnit.SECONDS);
                assertNotNull(sub);
                StreamObserver<DistributorMessage> s = distributor.sessions.take();
                s.onNext(fullState(1, 16));
                AgentMessage ack = distributor.received.poll(10, TimeUnit.SECONDS);
                assertNotNull(ack);
                assertEquals(1, ack.getAck().getVersion(), ack.toString());

                assertTrue(Probe.tcp(a.namespace(), a.ip(), b.ip(), 80, WAIT).connected(), "allowed by the streamed policy");
                assertFalse(Probe.tcp(a.namespace(), a.ip(), b.ip(), 81, WAIT).connected(), "81 is not allowed");

                boolean forwarded = false;
                boolean dropped = false;
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
                while ((!forwarded || !dropped) && System.nanoTime() < deadline) {
                    String l = lines.poll(200, TimeUnit.MILLISECONDS);
                    if (l != null) {
                        forwarded |= l.startsWith("FORWARDED") && l.contains("-> 10.244.1.2:80 TCP");
                        dropped |= l.startsWith("DROPPED") && l.contains("-> 10.244.1.2:81 TCP") && l.contains("NO_MATCH");
                    }
                }
                assertTrue(forwarded && dropped, "flow lines for 80 (forwarded) and 81 (dropped); left: " + lines);
                String first = jsonLines.poll(5, TimeUnit.SECONDS);
                assertNotNull(first, "JSON flow lines");
                assertTrue(first.startsWith("{\"timeNs\":") && first.contains("\"destination\":\"10.244.1.2\""), first);

                String metrics = http.send(HttpRequest.newBuilder(URI.create(base + "/metrics")).build(),
                        HttpResponse.BodyHandlers.ofString()).body();
                assertTrue(metrics.contains("bulwark_agent_policy_version 1"), metrics);
                assertTrue(metrics.contains("bulwark_agent_enforcing 1"), metrics);
                String status = http.send(HttpRequest.newBuilder(URI.create(base + "/v1/status")).build(),
                        HttpResponse.BodyHandlers.ofString()).body();
                assertTrue(status.contains("\"connected\":true") && status.contains("x/a"), status);
            }

            // While no agent runs, pod c goes (its namespace and so its veth pair).
            c.namespace().close();
            assertTrue(Files.exists(root.resolve("endpoints/x_c/policy")), "its pins outlived the interface");

            // Restart: a new agent process on the same pins and state directory restores a and b (the CNI does
            // not add running pods again) and drops c; enforcement never stops.
            try (NodeAgent again = new NodeAgent(config, new PrintWriter(System.out, true))) {
                int port = again.start();
                String base = "http://127.0.0.1:" + port;
                assertTrue(Probe.tcp(a.namespace(), a.ip(), b.ip(), 80, WAIT).connected(), "pins enforce while no agent holds state");
                HttpClient http = HttpClient.newHttpClient();
                io.vertx.core.json.JsonObject status = new io.vertx.core.json.JsonObject(http.send(HttpRequest.newBuilder(
                        URI.create(base + "/v1/status")).build(), HttpResponse.BodyHandlers.ofString()).body());
                assertEquals(new io.vertx.core.json.JsonArray().add("x/a").add("x/b"), status.getJsonArray("endpoints"), status.encode());
                assertTrue(status.getJsonObject("restore").getJsonObject("dropped").getString("x/c").contains("lxc2"), status.encode());
                assertFalse(Files.exists(root.resolve("endpoints/x_c")), "the gone endpoint's pins are removed");

                // A CNI ADD may still come for a running pod: attaching again is idempotent and wipes nothing.
                String body = "{\"name\":\"x/a\",\"netns\":\"" + net.node().path() + "\",\"interface\":\"" + a.hostInterface() + "\"}";
                assertEquals(200, http.send(HttpRequest.newBuilder(URI.create(base + "/v1/endpoints"))
                        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString()).statusCode());
                assertTrue(Probe.tcp(a.namespace(), a.ip(), b.ip(), 80, WAIT).connected(), "re-attaching did not wipe the maps");
                assertFalse(Probe.tcp(a.namespace(), a.ip(), b.ip(), 81, WAIT).connected());
                AgentMessage resub = null;
                while (resub == null || !resub.hasSubscribe()) {
                    resub = distributor.received.poll(10, TimeUnit.SECONDS);
                    assertNotNull(resub, "the restarted agent subscribes");
                }
                assertEquals(0, resub.getSubscribe().getKnownVersion(), "a new process holds no version");

                // The next version opens 81 on b, which was only restored (never added to this process).
                StreamObserver<DistributorMessage> s = null;
                for (StreamObserver<DistributorMessage> next; (next = distributor.sessions.poll()) != null; ) {
                    s = next; // the newest session is the restarted agent's
                }
                assertNotNull(s);
                s.onNext(fullState(2, 15));
                AgentMessage ack = null;
                while (ack == null || !ack.hasAck()) {
                    ack = distributor.received.poll(10, TimeUnit.SECONDS);
                    assertNotNull(ack, "the restarted agent acknowledges version 2");
                }
                assertEquals(2, ack.getAck().getVersion(), ack.toString());
                io.vertx.core.json.JsonObject policy = new io.vertx.core.json.JsonObject(http.send(HttpRequest.newBuilder(
                        URI.create(base + "/v1/policy")).build(), HttpResponse.BodyHandlers.ofString()).body());
                io.vertx.core.json.JsonObject pinned = policy.getJsonObject("endpoints").getJsonObject("x/b")
                        .getJsonArray("entries").getJsonObject(0);
                assertEquals(15, pinned.getInteger("portPrefixLength"), "b's pinned map, read back, holds version 2: " + policy.encode());
                assertTrue(Probe.tcp(a.namespace(), a.ip(), b.ip(), 81, WAIT).connected(), "version 2 enforced on the restored endpoint");
                assertTrue(Probe.tcp(a.namespace(), a.ip(), b.ip(), 80, WAIT).connected());
            }
        } finally {
            server.shutdownNow();
            KernelDatapath.destroy(root);
            Files.deleteIfExists(stateDir.resolve("endpoints.json"));
            Files.deleteIfExists(stateDir);
        }
    }

    /**
     * Version {@code version} for x/a (egress allowed) and x/b (ingress from x/a on TCP 80 with port prefix
     * {@code portPrefixLen}: 16 is port 80 alone, 15 is 80-81).
     */
    private static DistributorMessage fullState(int version, int portPrefixLen) {
        return DistributorMessage.newBuilder().setDelta(PolicyDelta.newBuilder().setVersion(version).setFullState(true).setNonce("v" + version)
                .addIpcacheUpserts(IpcacheEntry.newBuilder().setPrefix("10.244.1.1/32").setIdentity(1001))
                .addIpcacheUpserts(IpcacheEntry.newBuilder().setPrefix("10.244.1.2/32").setIdentity(1002))
                .addEndpoints(EndpointDelta.newBuilder().setName("x/a").setIdentity(1001).setReplace(true)
                        .addAdds(MapEntry.newBuilder().setKey(MapKey.newBuilder()
                                .setDirection(dev.bulwark.proto.policy.v1.Direction.DIRECTION_EGRESS))
                                .setValue(MapValue.newBuilder().setVerdict(Verdict.VERDICT_ALLOW))))
                .addEndpoints(EndpointDelta.newBuilder().setName("x/b").setIdentity(1002).setReplace(true)
                        .addAdds(MapEntry.newBuilder().setKey(MapKey.newBuilder().setRemoteIdentity(1001)
                                .setDirection(dev.bulwark.proto.policy.v1.Direction.DIRECTION_INGRESS).setProtocol(6)
                                .setPort(80).setPortPrefixLen(portPrefixLen))
                                .setValue(MapValue.newBuilder().setVerdict(Verdict.VERDICT_ALLOW))))).build();
    }
}
