package dev.bulwark.policy.distribution.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bulwark.model.policy.Direction;
import dev.bulwark.model.policy.MapState;
import dev.bulwark.model.policy.PolicyLookup;
import dev.bulwark.policy.compile.EngineConfig;
import dev.bulwark.policy.distribution.agentsim.AgentBehaviour;
import dev.bulwark.policy.distribution.agentsim.AgentEvents;
import dev.bulwark.policy.distribution.agentsim.SimulatedAgent;
import dev.bulwark.policy.distribution.source.DirectorySource;
import dev.bulwark.policy.distribution.state.NodeView;
import dev.bulwark.policy.distribution.stream.AgentAuthenticator;
import dev.bulwark.policy.distribution.stream.DeliveryListener;
import dev.bulwark.policy.distribution.stream.DistributionLoop;
import dev.bulwark.policy.distribution.stream.PolicyStreamService;
import dev.bulwark.policy.distribution.stream.StreamConfig;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.NettyServerBuilder;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The shipped examples/ folder through the real policy engine to an agent: the verdicts the example
 * story promises hold on the distributed map state.
 */
class ExamplesIT {

    private static final Path EXAMPLES = Path.of("../../examples");

    @Test
    void theShopExampleDistributesTheVerdictsItPromises() throws Exception {
        DistributionLoop loop = new DistributionLoop(StreamConfig.defaults("r1"), InstantSource.system(), DeliveryListener.NONE);
        Pipeline pipeline = new Pipeline(new CountingIdentities(), new EngineCompilation(EngineConfig.DEFAULT), loop,
                ProblemReporter.NONE, Duration.ofMillis(10));
        Server server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                .addService(new PolicyStreamService(loop, AgentAuthenticator.trustingSubscribedNodeName())).build().start();
        ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", server.getPort()).usePlaintext().build();
        try (DirectorySource source = new DirectorySource(EXAMPLES, pipeline.store(), Duration.ofMillis(50))) {
            source.start();
            pipeline.settled().get(30, TimeUnit.SECONDS);
            assertTrue(pipeline.store().rejections().isEmpty(), pipeline.store().rejections().toString());
            SimulatedAgent agent = new SimulatedAgent("bulwark-dev", "a", channel, AgentBehaviour.HEALTHY, AgentEvents.NONE);
            agent.connect();
            var want = pipeline.desired().view("bulwark-dev");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (!agent.view().equals(want) && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            NodeView view = agent.view();
            assertEquals(want, view);
            int frontend = view.endpoints().get("shop/frontend").identity();
            int backend = view.endpoints().get("shop/backend").identity();
            MapState db = view.endpoints().get("shop/db").mapState();
            MapState api = view.endpoints().get("shop/backend").mapState();
            assertTrue(PolicyLookup.decide(db, backend, Direction.INGRESS, 6, 5432).allowed(), "backend -> db:5432");
            assertFalse(PolicyLookup.decide(db, backend, Direction.INGRESS, 6, 5433).allowed(), "backend -> db:5433");
            assertFalse(PolicyLookup.decide(db, frontend, Direction.INGRESS, 6, 5432).allowed(), "frontend -> db (deny)");
            assertTrue(PolicyLookup.decide(api, frontend, Direction.INGRESS, 6, 8080).allowed(), "frontend -> backend api");
            assertFalse(PolicyLookup.decide(api, backend, Direction.INGRESS, 6, 8080).allowed(), "default deny");
            assertEquals(backend, view.ipcache().get("10.244.0.11/32").identity());
        } finally {
            pipeline.close();
            loop.close();
            channel.shutdownNow();
            server.shutdownNow();
        }
    }

    @Test
    void theCrdManifestsDescribeTheCiliumKindsWeRead() throws Exception {
        KubernetesSerialization yaml = new KubernetesSerialization();
        for (String plural : new String[] {"ciliumnetworkpolicies", "ciliumclusterwidenetworkpolicies"}) {
            Path file = Path.of("../../deploy/crds/" + plural + ".cilium.io.yaml");
            Map<?, ?> crd = yaml.unmarshal(Files.readString(file), Map.class);
            Map<?, ?> spec = (Map<?, ?>) crd.get("spec");
            assertEquals("cilium.io", spec.get("group"));
            assertEquals(plural, ((Map<?, ?>) spec.get("names")).get("plural"));
            assertEquals(plural.startsWith("ciliumnetwork") ? "Namespaced" : "Cluster", spec.get("scope"));
        }
    }
}
