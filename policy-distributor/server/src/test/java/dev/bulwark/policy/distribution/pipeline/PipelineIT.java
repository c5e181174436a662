package dev.bulwark.policy.distribution.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bulwark.policy.distribution.agentsim.AgentBehaviour;
import dev.bulwark.policy.distribution.agentsim.AgentEvents;
import dev.bulwark.policy.distribution.agentsim.SimulatedAgent;
import dev.bulwark.policy.distribution.source.ManifestParser;
import dev.bulwark.policy.distribution.stream.AgentAuthenticator;
import dev.bulwark.policy.distribution.stream.DeliveryListener;
import dev.bulwark.policy.distribution.stream.DistributionLoop;
import dev.bulwark.policy.distribution.stream.PolicyStreamService;
import dev.bulwark.policy.distribution.stream.StreamConfig;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.NettyServerBuilder;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Objects in, agents converged to what a full recompute gives; only affected agents receive bytes. */
class PipelineIT {

    private static final Duration LEASE_RENEWAL = Duration.ofMillis(100);

    private final Map<String, AtomicLong> bytesByNode = new ConcurrentHashMap<>();
    private final CountingIdentities identities = new CountingIdentities();
    private DistributionLoop loop;
    private Pipeline pipeline;
    private Server server;
    private ManagedChannel channel;

    @BeforeEach
    void start() throws Exception {
        DeliveryListener bytes = new DeliveryListener() {
            @Override
            public void sent(String nodeName, int size, boolean fullState) {
                bytesByNode.computeIfAbsent(nodeName, n -> new AtomicLong()).addAndGet(size);
            }
        };
        loop = new DistributionLoop(StreamConfig.defaults("r1"), InstantSource.system(), bytes);
        pipeline = new Pipeline(identities, new TinyCompiler(), loop, ProblemReporter.NONE, Duration.ofMillis(10), LEASE_RENEWAL);
        server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                .addService(new PolicyStreamService(loop, AgentAuthenticator.trustingSubscribedNodeName())).build().start();
        channel = NettyChannelBuilder.forAddress("127.0.0.1", server.getPort()).usePlaintext().build();
    }

    @AfterEach
    void stop() {
        pipeline.close();
        loop.close();
        channel.shutdownNow();
        server.shutdownNow();
    }

    private void apply(String yaml) {
        ManifestParser.parse(yaml).forEach(pipeline.store()::upsert);
    }

    private static String pod(String name, String app, String node, String ip) {
        return """
                apiVersion: v1
                kind: Pod
                metadata: {name: %s, namespace: shop, labels: {app: %s}}
                spec: {nodeName: %s}
                status: {podIP: %s}
                ---
                """.formatted(name, app, node, ip);
    }

    private void awaitConverged(SimulatedAgent... agents) throws Exception {
        pipeline.settled().get(20, TimeUnit.SECONDS);
        var full = pipeline.fullRecompute().orElseThrow();
        for (SimulatedAgent a : agents) {
            await(a.nodeName(), () -> a.view().equals(full.view(a.nodeName())));
        }
        // The loop has processed every ack (and sent the in-sync notices that follow them).
        await("acks processed", () -> loop.status().join().agents().stream()
                .allMatch(s -> s.inflightMillis() == 0 && s.lagRevisions() == 0));
    }

    @Test
    void agentsConvergeToTheFullRecomputeAndUnaffectedAgentsReceiveNothing() throws Exception {
        apply("apiVersion: v1\nkind: Namespace\nmetadata: {name: shop}\n---\n"
                + pod("web", "web", "n1", "10.0.1.1") + pod("db", "db", "n2", "10.0.2.1") + pod("other", "x", "n3", "10.0.3.1"));
        SimulatedAgent n1 = new SimulatedAgent("n1", "a1", channel, AgentBehaviour.HEALTHY, AgentEvents.NONE);
        SimulatedAgent n2 = new SimulatedAgent("n2", "a2", channel, AgentBehaviour.HEALTHY, AgentEvents.NONE);
        SimulatedAgent n3 = new SimulatedAgent("n3", "a3", channel, AgentBehaviour.HEALTHY, AgentEvents.NONE);
        n1.connect();
        n2.connect();
        n3.connect();
        awaitConverged(n1, n2, n3);
        long n1Bytes = bytesByNode.get("n1").get();
        long n3Bytes = bytesByNode.get("n3").get();
        // A policy isolating db (on n2) allowing web on 5432: only n2's map state changes.
        apply("""
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata: {name: db-ingress, namespace: shop}
                spec:
                  podSelector: {matchLabels: {app: db}}
                  ingress: [{from: [{podSelector: {matchLabels: {app: web}}}], ports: [{port: 5432}]}]
                """);
        awaitConverged(n1, n2, n3);
        assertEquals(n1Bytes, bytesByNode.get("n1").get(), "n1 received nothing");
        assertEquals(n3Bytes, bytesByNode.get("n3").get(), "n3 received nothing");
        assertEquals(2, n2.view().endpoints().get("shop/db").mapState().size(), "egress allow + web on 5432");
        // Relabelling web changes its identity: the ipcache (everyone) and db's map state follow.
        apply(pod("web", "web-v2", "n1", "10.0.1.1"));
        awaitConverged(n1, n2, n3);
        assertEquals(1, n2.view().endpoints().get("shop/db").mapState().size(), "web-v2 no longer allowed");
        // Deleting the policy restores allow-all.
        pipeline.store().delete(new dev.bulwark.policy.distribution.source.KubeObject.Key(
                dev.bulwark.policy.distribution.source.ObjectKind.NETWORK_POLICY, "shop", "db-ingress"));
        awaitConverged(n1, n2, n3);
        assertEquals(dev.bulwark.model.policy.MapState.allowAll(), n2.view().endpoints().get("shop/db").mapState());
    }

    @Test
    void aBadPolicyIsReportedAndChangesNothingAndIdentityOutagesKeepTheLastState() throws Exception {
        SimulatedAgent n1 = webOnN1();
        long revision = loop.snapshot().get().revision();
        apply("apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: broken, namespace: shop}\nspec: {}\n");
        pipeline.settled().get(20, TimeUnit.SECONDS);
        assertEquals(revision, loop.snapshot().get().revision(), "nothing distributed");
        assertTrue(pipeline.store().rejections().stream().anyMatch(r -> r.problem().contains("spec.podSelector")));
        identities.unavailable = true;
        apply(pod("db", "db", "n1", "10.0.1.2"));
        pipeline.settled().get(20, TimeUnit.SECONDS);
        assertEquals(revision, loop.snapshot().get().revision(), "last state kept while identities are unavailable");
        identities.unavailable = false;
        await("retry after the outage", () -> n1.view().endpoints().containsKey("shop/db"));
    }

    /**
     * A recompute that fails with anything but "identities unavailable" (an allocator error, a bug) is
     * retried by itself: the last input change of a quiet cluster must still reach the agents.
     */
    @Test
    void aFailedRecomputeIsRetriedWithoutAnotherChange() throws Exception {
        SimulatedAgent n1 = webOnN1();
        identities.failNext = new IllegalStateException("INTERNAL: the allocator answered 0 allocations for 1 label set");
        apply(pod("db", "db", "n1", "10.0.1.2"));
        await("retry after the failed recompute", () -> n1.view().endpoints().containsKey("shop/db"));
        assertTrue(n1.view().ipcache().containsKey("10.0.1.2/32"));
    }

    /**
     * Each node holds its own reference on the label sets of its pods and releases it once a state without
     * its last such pod is published; the other node's reference (and the number) stay.
     */
    @Test
    void aNodeReleasesItsReferenceWhenItsLastPodOfALabelSetGoes() throws Exception {
        apply(pod("web-1", "web", "n1", "10.0.1.1") + pod("web-2", "web", "n2", "10.0.2.1")
                + pod("web-3", "web", "n2", "10.0.2.2") + pod("db", "db", "n1", "10.0.1.2"));
        SimulatedAgent n1 = new SimulatedAgent("n1", "a1", channel, AgentBehaviour.HEALTHY, AgentEvents.NONE);
        SimulatedAgent n2 = new SimulatedAgent("n2", "a2", channel, AgentBehaviour.HEALTHY, AgentEvents.NONE);
        n1.connect();
        n2.connect();
        awaitConverged(n1, n2);
        int web = identities.idOf(dev.bulwark.policy.identity.PodIdentityLabels.of("shop", Map.of(), Map.of("app", "web")));
        int db = identities.idOf(dev.bulwark.policy.identity.PodIdentityLabels.of("shop", Map.of(), Map.of("app", "db")));
        assertEquals(Set.of(web, db), identities.referencedBy("n1"));
        assertEquals(Set.of(web), identities.referencedBy("n2"));

        deletePod("web-1");
        deletePod("web-2"); // n2 still runs web-3
        awaitConverged(n1, n2);
        await("n1 releases web", () -> identities.referencedBy("n1").equals(Set.of(db)));
        assertEquals(Set.of(web), identities.referencedBy("n2"), "n2 keeps its reference while web-3 runs");
        assertEquals(web, n2.view().ipcache().get("10.0.2.2/32").identity(), "web-3 keeps its number");

        deletePod("db");
        awaitConverged(n1, n2);
        await("n1 releases db", () -> identities.referencedBy("n1").isEmpty());
    }

    /**
     * Leases are renewed with nothing changing; when the store has dropped a node's references (its lease
     * ran out while the store was unreachable), the next renewal notices and they are allocated again.
     */
    @Test
    void leasesAreRenewedWhileQuietAndReferencesDroppedByTheStoreAreTakenAgain() throws Exception {
        SimulatedAgent n1 = webOnN1();
        Set<Integer> held = identities.referencedBy("n1");
        assertEquals(1, held.size());
        int renewed = identities.renewals("n1");
        await("renewals without changes", () -> identities.renewals("n1") >= renewed + 3);

        identities.dropReferences("n1");
        await("n1's reference taken again", () -> identities.referencedBy("n1").equals(held));
        assertEquals(0, identities.renewals("n2"), "no lease for a node without pods");
    }

    /**
     * A pipeline starts knowing no references: those the store lists for its nodes that no pod needs (pods
     * deleted while no distributor ran) are released after the first publish; a node without pods is left
     * to its lease.
     */
    @Test
    void referencesLeftFromBeforeTheStartAreReleasedAfterTheFirstPublish() throws Exception {
        identities.seedReference("n1", 999);
        identities.seedReference("n9", 998);
        webOnN1();
        int web = identities.idOf(dev.bulwark.policy.identity.PodIdentityLabels.of("shop", Map.of(), Map.of("app", "web")));
        await("n1's stale reference released", () -> identities.referencedBy("n1").equals(Set.of(web)));
        assertEquals(Set.of(998), identities.referencedBy("n9"));
    }

    /** One pod (web on n1) and n1's agent, converged. */
    private SimulatedAgent webOnN1() throws Exception {
        apply(pod("web", "web", "n1", "10.0.1.1"));
        SimulatedAgent n1 = new SimulatedAgent("n1", "a1", channel, AgentBehaviour.HEALTHY, AgentEvents.NONE);
        n1.connect();
        awaitConverged(n1);
        return n1;
    }

    @Test
    void aRecomputeAllocatesTheLabelSetsOfManyNodesAtOnce() throws Exception {
        // Each node's Allocate is a commit round in the store; one node after another, a first state for
        // 5,000 nodes would wait 5,000 of them. The store stays down until one recompute has tried every
        // node (one node at a time, a recompute stops at the first failure and never gets that far).
        identities.unavailable = true;
        int nodes = 8;
        StringBuilder pods = new StringBuilder("apiVersion: v1\nkind: Namespace\nmetadata: {name: shop}\n---\n");
        Set<String> nodeNames = new TreeSet<>();
        for (int i = 0; i < nodes; i++) {
            pods.append(pod("p" + i, "app" + i, "n" + i, "10.0.9." + (i + 1)));
            nodeNames.add("n" + i);
        }
        identities.allocationOverlap = nodes;
        apply(pods.toString());
        await("an Allocate tried for every node", () -> identities.allocationsTried().containsAll(nodeNames));
        identities.unavailable = false;
        SimulatedAgent n0 = new SimulatedAgent("n0", "a0", channel, AgentBehaviour.HEALTHY, AgentEvents.NONE);
        n0.connect();
        awaitConverged(n0);
        assertEquals(nodes, identities.mostAllocationsInFlight(), "Allocate calls in flight at once (one node at a time: 1)");
        for (int i = 0; i < nodes; i++) {
            assertEquals(1, identities.referencedBy("n" + i).size(), "n" + i + " references its pod's identity");
        }
    }

    private void deletePod(String name) {
        pipeline.store().delete(new dev.bulwark.policy.distribution.source.KubeObject.Key(
                dev.bulwark.policy.distribution.source.ObjectKind.POD, "shop", name));
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(10);
        }
    }
}
