package dev.bulwark.policy.distribution.bench;

import dev.bulwark.policy.compile.EngineConfig;
import dev.bulwark.policy.distribution.agentsim.AgentBehaviour;
import dev.bulwark.policy.distribution.agentsim.AgentEvents;
import dev.bulwark.policy.distribution.agentsim.Interner;
import dev.bulwark.policy.distribution.agentsim.SimulatedAgent;
import dev.bulwark.policy.distribution.pipeline.IdentitySource;
import dev.bulwark.policy.distribution.pipeline.IncrementalEngineCompilation;
import dev.bulwark.policy.distribution.pipeline.Pipeline;
import dev.bulwark.policy.distribution.pipeline.ProblemReporter;
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
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * End to end inside the distributor: a policy object change enters the object store (where an informer
 * or the directory source puts it), the pipeline recompiles with the incremental engine, the loop fans
 * out, and every affected simulated agent ACKs. Identities come from the {@link IdentitySource} given
 * (the CLI passes the real 3-replica identity store). Apps a0..a49 over {@code pods} pods; policy k
 * selects app a{k} and allows a{k+1}; a change moves policy k's port, affecting the nodes of a{k}'s pods.
 */
public final class PipelineBenchmark {

    private static final int APPS = 50;

    /** Latency from the object change to the last affected ACK, in milliseconds. */
    public record Result(int agents, int pods, int changes, double p50Ms, double p99Ms, double maxMs) {
    }

    private final int agents;
    private final int pods;
    private final int changes;
    private final IdentitySource identities;
    private final PrintWriter log;
    private final Set<String> pending = ConcurrentHashMap.newKeySet();
    private volatile long sinceRevision = Long.MAX_VALUE;

    public PipelineBenchmark(int agents, int pods, int changes, IdentitySource identities, PrintWriter log) {
        this.agents = agents;
        this.pods = pods;
        this.changes = changes;
        this.identities = identities;
        this.log = log;
    }

    public Result run() throws Exception {
        DeliveryListener listener = new DeliveryListener() {
            @Override
            public void acked(String nodeName, long version, long revision, long ackedAtNanos) {
                if (revision >= sinceRevision) {
                    pending.remove(nodeName);
                }
            }
        };
        DistributionLoop loop = new DistributionLoop(new StreamConfig(256, Duration.ofSeconds(120), "bench"),
                InstantSource.system(), listener);
        Pipeline pipeline = new Pipeline(identities, new IncrementalEngineCompilation(EngineConfig.DEFAULT), loop,
                ProblemReporter.NONE, Duration.ofMillis(10));
        Server server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                .addService(new PolicyStreamService(loop, AgentAuthenticator.trustingSubscribedNodeName())).build().start();
        List<ManagedChannel> channels = new ArrayList<>();
        for (int i = 0; i < Math.min(64, agents); i++) {
            channels.add(NettyChannelBuilder.forAddress("127.0.0.1", server.getPort()).usePlaintext().build());
        }
        try {
            load(pipeline);
            pipeline.settled().get(300, TimeUnit.SECONDS);
            Interner interner = new Interner();
            List<SimulatedAgent> all = new ArrayList<>();
            for (int i = 0; i < agents; i++) {
                SimulatedAgent a = new SimulatedAgent("node-" + i, "bench-" + i, channels.get(i % channels.size()),
                        AgentBehaviour.HEALTHY, AgentEvents.NONE, interner);
                a.connect();
                all.add(a);
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(300);
            while (loop.status().get().agents().stream().anyMatch(s -> s.lagRevisions() > 0 || s.ackedVersion() == 0)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("agents did not sync within 300 s");
                }
                Thread.sleep(20);
            }
            log.printf("pipeline bench: %d agents synced, %d pods, %d policies%n", agents, pods, APPS);
            List<Double> latencies = new ArrayList<>();
            for (int c = 1; c <= changes; c++) {
                int k = c % APPS;
                Set<String> affected = new HashSet<>();
                for (int p = k; p < pods; p += APPS) {
                    affected.add(nodeOf(p));
                }
                pending.addAll(affected);
                sinceRevision = loop.snapshot().get().revision() + 1;
                long start = System.nanoTime();
                ManifestParser.parse(policy(k, 9000 + c)).forEach(pipeline.store()::upsert);
                long limit = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (!pending.isEmpty()) {
                    if (System.nanoTime() > limit) {
                        throw new IllegalStateException("change " + c + " not acknowledged by " + pending.size() + " agents");
                    }
                    Thread.sleep(1);
                }
                latencies.add((System.nanoTime() - start) / 1e6);
            }
            all.forEach(SimulatedAgent::disconnect);
            return new Result(agents, pods, changes, FanoutBenchmark.percentile(latencies, 50),
                    FanoutBenchmark.percentile(latencies, 99), FanoutBenchmark.percentile(latencies, 100));
        } finally {
            pipeline.close();
            loop.close();
            channels.forEach(ManagedChannel::shutdownNow);
            server.shutdownNow();
        }
    }

    private String nodeOf(int pod) {
        return "node-" + (int) ((long) pod * agents / pods);
    }

    private void load(Pipeline pipeline) {
        StringBuilder yaml = new StringBuilder("apiVersion: v1\nkind: Namespace\nmetadata: {name: bench}\n");
        for (int p = 0; p < pods; p++) {
            yaml.append("---\napiVersion: v1\nkind: Pod\nmetadata: {name: pod-").append(p)
                    .append(", namespace: bench, labels: {app: a").append(p % APPS).append("}}\nspec: {nodeName: ")
                    .append(nodeOf(p)).append("}\nstatus: {podIP: 10.").append(p >> 16 & 255).append('.')
                    .append(p >> 8 & 255).append('.').append(p & 255).append("}\n");
        }
        ManifestParser.parse(yaml.toString()).forEach(pipeline.store()::upsert);
        for (int k = 0; k < APPS; k++) {
            ManifestParser.parse(policy(k, 8000 + k)).forEach(pipeline.store()::upsert);
        }
    }

    private static String policy(int k, int port) {
        return """
                apiVersion: cilium.io/v2
                kind: CiliumNetworkPolicy
                metadata: {name: p%d, namespace: bench}
                spec:
                  endpointSelector: {matchLabels: {app: a%d}}
                  ingress: [{fromEndpoints: [{matchLabels: {app: a%d}}], toPorts: [{ports: [{port: "%d", protocol: TCP}]}]}]
                """.formatted(k, k, (k + 1) % APPS, port);
    }
}
