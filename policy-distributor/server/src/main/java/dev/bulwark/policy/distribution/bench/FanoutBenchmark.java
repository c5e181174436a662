package dev.bulwark.policy.distribution.bench;

import dev.bulwark.policy.distribution.agentsim.AgentBehaviour;
import dev.bulwark.policy.distribution.agentsim.AgentEvents;
import dev.bulwark.policy.distribution.agentsim.Interner;
import dev.bulwark.policy.distribution.agentsim.SimulatedAgent;
import dev.bulwark.policy.distribution.state.NodeDelta;
import dev.bulwark.policy.distribution.state.Snapshot;
import dev.bulwark.policy.distribution.stream.AgentAuthenticator;
import dev.bulwark.policy.distribution.stream.DeliveryListener;
import dev.bulwark.policy.distribution.stream.DeltaCodec;
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
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

/**
 * Runs the fan-out benchmark: connect N agents, measure idle policy changes (change → ACK of every
 * affected agent), bytes to unaffected agents, delta vs full-state size, an ipcache change reaching
 * everyone, memory per agent stream, and a reconnect storm. Progress goes to {@code log}.
 */
public final class FanoutBenchmark {

    private final FanoutConfig config;
    private final PrintWriter log;
    private final AtomicLong unaffectedBytes = new AtomicLong();
    private final AtomicLong affectedBytes = new AtomicLong();
    private final AtomicInteger inSyncResumed = new AtomicInteger();
    private final AtomicInteger inSyncFull = new AtomicInteger();
    private final AtomicInteger fullStates = new AtomicInteger();
    private volatile Round round = new Round(Long.MAX_VALUE, Set.of(), 0);

    /** One measured change: its revision, the nodes that must ACK, and when it was published. */
    private record Round(long revision, Set<String> affected, long startNanos) {
    }

    private final Set<String> pending = ConcurrentHashMap.newKeySet();
    private final List<Double> agentAcks = java.util.Collections.synchronizedList(new ArrayList<>());

    public FanoutBenchmark(FanoutConfig config, PrintWriter log) {
        this.config = config;
        this.log = log;
    }

    public FanoutResult run() throws Exception {
        DistributionLoop loop = new DistributionLoop(new StreamConfig(256, Duration.ofSeconds(120), "bench"),
                InstantSource.system(), new Listener());
        Server server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                .addService(new PolicyStreamService(loop, AgentAuthenticator.trustingSubscribedNodeName())).build().start();
        List<ManagedChannel> channels = new ArrayList<>();
        for (int i = 0; i < config.connections(); i++) {
            channels.add(NettyChannelBuilder.forAddress("127.0.0.1", server.getPort()).usePlaintext().build());
        }
        try {
            return measure(loop, channels);
        } finally {
            loop.close();
            channels.forEach(ManagedChannel::shutdownNow);
            server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    private FanoutResult measure(DistributionLoop loop, List<ManagedChannel> channels) throws Exception {
        BenchCluster cluster = new BenchCluster(config, new SplittableRandom(config.seed()));
        loop.publish(cluster.initial()).get();
        Interner interner = new Interner();
        Events events = new Events();
        List<SimulatedAgent> agents = new ArrayList<>();
        for (int i = 0; i < config.agents(); i++) {
            agents.add(new SimulatedAgent(BenchCluster.node(i), "bench-" + i, channels.get(i % channels.size()),
                    AgentBehaviour.HEALTHY, events, interner));
        }
        long t0 = System.nanoTime();
        agents.forEach(SimulatedAgent::connect);
        await("initial sync", () -> inSyncFull.get() + inSyncResumed.get() >= config.agents(), 300);
        double connectMs = millisSince(t0);
        log.printf("connected %d agents over %d connections in %.0f ms%n", config.agents(), channels.size(), connectMs);

        List<Double> perChange = new ArrayList<>();
        List<Double> fullSizes = new ArrayList<>();
        for (int c = 1; c <= config.changes(); c++) {
            Set<String> affected = new HashSet<>();
            var change = cluster.policyChange(c, affected);
            pending.addAll(affected);
            long next = loop.snapshot().get().revision() + 1;
            long start = System.nanoTime();
            round = new Round(next, Set.copyOf(affected), start);
            loop.publish(change).get().orElseThrow();
            await("change " + c, pending::isEmpty, 60);
            perChange.add(millisSince(start));
            Snapshot snapshot = loop.snapshot().get();
            for (String node : affected) {
                fullSizes.add((double) DeltaCodec.encode(NodeDelta.full(snapshot.view(node))).build().getSerializedSize());
            }
        }
        long deltaCount = agentAcks.size();
        log.printf("%d policy changes measured%n", config.changes());

        long serializedBefore = loop.status().get().serializedIpcacheParts();
        Set<String> everyone = new HashSet<>();
        agents.forEach(a -> everyone.add(a.nodeName()));
        pending.addAll(everyone);
        long ipNext = loop.snapshot().get().revision() + 1;
        long ipStart = System.nanoTime();
        round = new Round(ipNext, everyone, ipStart);
        loop.publish(cluster.ipcacheChange(1)).get().orElseThrow();
        await("ipcache change", pending::isEmpty, 120);
        double ipcacheMs = millisSince(ipStart);
        long serializations = loop.status().get().serializedIpcacheParts() - serializedBefore;
        round = new Round(Long.MAX_VALUE, Set.of(), 0);

        long connectedHeap = usedHeapAfterGc();
        inSyncResumed.set(0);
        inSyncFull.set(0);
        fullStates.set(0);
        agents.forEach(SimulatedAgent::disconnect);
        await("streams closed", () -> loop.status().join().agents().isEmpty(), 60);
        long disconnectedHeap = usedHeapAfterGc();
        long storm = System.nanoTime();
        agents.forEach(SimulatedAgent::connect);
        await("reconnect storm", () -> inSyncFull.get() + inSyncResumed.get() >= config.agents(), 300);
        double stormMs = millisSince(storm);
        log.printf("reconnect storm: %d agents in sync in %.0f ms%n", config.agents(), stormMs);
        agents.forEach(SimulatedAgent::disconnect);

        List<Double> acks = new ArrayList<>(agentAcks);
        return new FanoutResult(config.agents(), config.pods(), config.connections(), config.changes(),
                config.affectedPerChange(), connectMs, percentile(perChange, 50), percentile(perChange, 99),
                percentile(acks, 50), percentile(acks, 99), unaffectedBytes.get(),
                deltaCount == 0 ? 0 : (double) affectedBytes.get() / deltaCount, average(fullSizes), ipcacheMs,
                serializations, Math.max(0, (connectedHeap - disconnectedHeap) / config.agents()), stormMs,
                100.0 * inSyncResumed.get() / config.agents(), fullStates.get());
    }

    private final class Listener implements DeliveryListener {
        @Override
        public void acked(String nodeName, long version, long revision, long ackedAtNanos) {
            Round r = round;
            if (revision >= r.revision() && pending.remove(nodeName)) {
                if (r.affected().size() < config.agents()) {
                    agentAcks.add((ackedAtNanos - r.startNanos()) / 1e6);
                }
            }
        }

        @Override
        public void sent(String nodeName, int bytes, boolean fullState) {
            Round r = round;
            if (r.startNanos() != 0 && r.affected().size() < config.agents()) {
                (r.affected().contains(nodeName) ? affectedBytes : unaffectedBytes).addAndGet(bytes);
            }
        }
    }

    private final class Events implements AgentEvents {
        @Override
        public void applied(SimulatedAgent agent, long version, boolean fullState, int bytes) {
            if (fullState) {
                fullStates.incrementAndGet();
            }
        }

        @Override
        public void inSync(SimulatedAgent agent, long version, boolean resumed) {
            (resumed ? inSyncResumed : inSyncFull).incrementAndGet();
        }
    }

    private static long usedHeapAfterGc() throws InterruptedException {
        Runtime rt = Runtime.getRuntime();
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(200);
        }
        return rt.totalMemory() - rt.freeMemory();
    }

    private static double millisSince(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e6;
    }

    static double percentile(List<Double> values, int p) {
        if (values.isEmpty()) {
            return 0;
        }
        List<Double> sorted = new ArrayList<>(values);
        sorted.sort(null);
        int index = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
    }

    private static double average(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).average().orElse(0);
    }

    private static void await(String what, BooleanSupplier done, int seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("benchmark stalled waiting for " + what + " (" + seconds + " s)");
            }
            Thread.sleep(1);
        }
    }
}
