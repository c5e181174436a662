package dev.bulwark.policy.distribution.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bulwark.identity.server.IdentityAllocatorConfig;
import dev.bulwark.identity.server.IdentityAllocatorServer;
import dev.bulwark.model.policy.Direction;
import dev.bulwark.model.policy.PolicyLookup;
import dev.bulwark.policy.compile.EngineConfig;
import dev.bulwark.policy.distribution.agentsim.AgentBehaviour;
import dev.bulwark.policy.distribution.agentsim.AgentEvents;
import dev.bulwark.policy.distribution.agentsim.SimulatedAgent;
import dev.bulwark.policy.distribution.cluster.ClusterConfig;
import dev.bulwark.policy.distribution.pipeline.EngineCompilation;
import dev.bulwark.policy.distribution.source.DevelopmentApiServer;
import dev.bulwark.policy.distribution.state.NodeView;
import dev.bulwark.policy.distribution.stream.AgentAuthenticator;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole distributor: the development API server driven by kubectl, two clustered replicas with
 * informers, the policy engine, the real 3-replica identity store (its leader restarted mid-test), and an
 * agent that must converge to a full recompute at every step and resume on the surviving replica without
 * a full state.
 */
class DistributorServerIT {

    private static final Path EXAMPLES = Path.of("../../examples");
    private static final Path KUBECTL = Path.of("/usr/bin/kubectl");

    @TempDir
    Path tmp;

    private final List<AutoCloseable> cleanup = new ArrayList<>();

    @AfterEach
    void stop() {
        for (AutoCloseable c : cleanup.reversed()) {
            try {
                c.close();
            } catch (Exception e) {
                // already stopped
            }
        }
    }

    @Test
    void kubectlChangesReachTheAgentAndItResumesOnTheOtherReplica() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(KUBECTL), "kubectl is not installed at /usr/bin/kubectl");
        DevelopmentApiServer api = DevelopmentApiServer.start(0);
        cleanup.add(api);
        Path kubeconfig = api.writeKubeconfig(tmp.resolve("kubeconfig"));
        List<IdentityAllocatorConfig> identityConfigs = IdentityAllocatorConfig.loopbackCluster(3, tmp.resolve("identity"), 1);
        List<IdentityAllocatorServer> identity = new ArrayList<>();
        for (IdentityAllocatorConfig c : identityConfigs) {
            IdentityAllocatorServer r = IdentityAllocatorServer.start(c);
            identity.add(r);
            cleanup.add(r);
        }
        String identityTargets = String.join(",", identity.stream().map(IdentityAllocatorServer::grpcAddress).toList());
        int hz1 = freePort();
        int hz2 = freePort();
        List<String> members = List.of("127.0.0.1:" + hz1, "127.0.0.1:" + hz2);
        DistributorServer a = replica("a", hz1, members, api, identityTargets);
        DistributorServer b = replica("b", hz2, members, api, identityTargets);

        kubectl(a, kubeconfig, "apply", "--validate=false", "-f", EXAMPLES.resolve("00-shop.yaml").toString());
        AtomicInteger fullStates = new AtomicInteger();
        SimulatedAgent agent = new SimulatedAgent("bulwark-dev", "agent-1", channel(a), AgentBehaviour.HEALTHY,
                new AgentEvents() {
                    @Override
                    public void applied(SimulatedAgent ag, long version, boolean fullState, int bytes) {
                        if (fullState) {
                            fullStates.incrementAndGet();
                        }
                    }
                });
        agent.connect();
        awaitConverged(agent, a);
        for (String f : List.of("10-default-deny.yaml", "20-frontend-to-backend.yaml", "30-backend-to-db.yaml",
                "40-deny-frontend-to-db.yaml")) {
            kubectl(a, kubeconfig, "apply", "--validate=false", "-f", EXAMPLES.resolve(f).toString());
        }
        NodeView view = awaitConverged(agent, a);
        int frontend = view.endpoints().get("shop/frontend").identity();
        int backend = view.endpoints().get("shop/backend").identity();
        var db = view.endpoints().get("shop/db").mapState();
        assertTrue(PolicyLookup.decide(db, backend, Direction.INGRESS, 6, 5432).allowed());
        assertFalse(PolicyLookup.decide(db, frontend, Direction.INGRESS, 6, 5432).allowed());
        assertTrue(PolicyLookup.decide(view.endpoints().get("shop/backend").mapState(), frontend, Direction.INGRESS, 6, 8080).allowed());

        // Relabel the frontend: it loses access to the backend.
        kubectl(a, kubeconfig, "label", "pod", "frontend", "-n", "shop", "app=storefront", "--overwrite");
        view = awaitConverged(agent, a);
        int relabelled = view.endpoints().get("shop/frontend").identity();
        assertTrue(relabelled != frontend);
        assertFalse(PolicyLookup.decide(view.endpoints().get("shop/backend").mapState(), relabelled, Direction.INGRESS, 6, 8080).allowed());
        kubectl(a, kubeconfig, "delete", "-f", EXAMPLES.resolve("30-backend-to-db.yaml").toString());
        view = awaitConverged(agent, a);
        assertFalse(PolicyLookup.decide(view.endpoints().get("shop/db").mapState(), backend, Direction.INGRESS, 6, 5432).allowed());
        assertEquals(1, fullStates.get());

        // Bad input: reported as an event on the object, changes nothing.
        Path bad = tmp.resolve("bad.yaml");
        Files.writeString(bad, """
                apiVersion: cilium.io/v2
                kind: CiliumNetworkPolicy
                metadata: {name: bad-port, namespace: shop}
                spec:
                  endpointSelector: {matchLabels: {app: db}}
                  ingress: [{toPorts: [{ports: [{port: "70000", protocol: TCP}]}]}]
                """);
        long revision = a.loop().snapshot().get().revision();
        kubectl(a, kubeconfig, "apply", "--validate=false", "-f", bad.toString());
        a.pipeline().settled().get(30, TimeUnit.SECONDS);
        assertEquals(revision, a.loop().snapshot().get().revision(), "a rejected policy distributes nothing");
        try (var client = api.client()) {
            await(() -> client.v1().events().inNamespace("shop").list().getItems().stream().anyMatch(e ->
                    "BulwarkRejected".equals(e.getReason()) && "bad-port".equals(e.getInvolvedObject().getName())
                            && e.getMessage().contains("70000")));
            assertTrue(client.v1().events().inNamespace("shop").list().getItems().stream()
                    .anyMatch(e -> "bad-port".equals(e.getInvolvedObject().getName())), "event recorded on the object");
        }

        // The identity leader restarts; a new pod still gets an identity and reaches the agent.
        IdentityAllocatorServer leader = identity.stream().filter(IdentityAllocatorServer::isLeader).findFirst().orElseThrow();
        int leaderIndex = identity.indexOf(leader);
        leader.close();
        Path extra = tmp.resolve("cache.yaml");
        Files.writeString(extra, """
                apiVersion: v1
                kind: Pod
                metadata: {name: cache, namespace: shop, labels: {app: cache}}
                spec: {nodeName: bulwark-dev}
                status: {podIP: 10.244.0.13}
                """);
        kubectl(a, kubeconfig, "apply", "--validate=false", "-f", extra.toString());
        cleanup.add(IdentityAllocatorServer.start(identityConfigs.get(leaderIndex)));
        await(() -> agent.view().endpoints().containsKey("shop/cache"));
        view = awaitConverged(agent, a);
        assertTrue(view.endpoints().get("shop/cache").identity() > 255);

        // Replica a dies; the agent moves to b and resumes from what it holds.
        a.close();
        awaitConverged(b);
        agent.connectTo(channel(b));
        awaitConverged(agent, b);
        assertEquals(1, fullStates.get(), "no full state after the move");
    }

    private DistributorServer replica(String id, int hzPort, List<String> members, DevelopmentApiServer api,
                                      String identityTargets) throws Exception {
        DistributorConfig config = new DistributorConfig(id, "127.0.0.1", 0,
                new DistributorConfig.Kubernetes(Optional.of(api.url())), identityTargets, 64,
                Duration.ofSeconds(60), Duration.ofMillis(10),
                Optional.of(new ClusterConfig(id, "", "127.0.0.1", hzPort, members, Duration.ofMillis(500))));
        DistributorServer s = DistributorServer.start(config, new EngineCompilation(EngineConfig.DEFAULT),
                AgentAuthenticator.trustingSubscribedNodeName());
        cleanup.add(s);
        return s;
    }

    private ManagedChannel channel(DistributorServer s) {
        ManagedChannel c = NettyChannelBuilder.forAddress("127.0.0.1", s.grpcPort()).usePlaintext().build();
        cleanup.add(c::shutdownNow);
        return c;
    }

    private static void awaitConverged(DistributorServer s) throws Exception {
        s.pipeline().settled().get(30, TimeUnit.SECONDS);
    }

    /** Waits until the agent holds exactly what a full recompute of the replica's objects gives. */
    private static NodeView awaitConverged(SimulatedAgent agent, DistributorServer s) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            s.pipeline().settled().get(30, TimeUnit.SECONDS);
            // Empty while the identity store cannot answer (an election under load): try again.
            var recomputed = s.pipeline().fullRecompute();
            var full = recomputed.isPresent() ? recomputed.get().view(agent.nodeName()) : null;
            if (full != null && agent.view().equals(full) && !full.endpoints().isEmpty()) {
                assertEquals(0, agent.digestMismatches());
                return agent.view();
            }
            Thread.sleep(20);
        }
        throw new AssertionError("agent did not converge to the full recompute");
    }

    /** Runs kubectl and waits until replica {@code s}'s informers have seen a change. */
    private static void kubectl(DistributorServer s, Path kubeconfig, String... args) throws Exception {
        long before = s.pipeline().store().changes();
        kubectl(kubeconfig, args);
        await(() -> s.pipeline().store().changes() > before);
    }

    private static void kubectl(Path kubeconfig, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(KUBECTL.toString(), "--kubeconfig", kubeconfig.toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), String.join(" ", cmd) + ":\n" + out);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            return s.getLocalPort();
        }
    }

    private static void await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out");
            }
            Thread.sleep(20);
        }
    }
}
