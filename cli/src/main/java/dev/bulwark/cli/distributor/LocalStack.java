package dev.bulwark.cli.distributor;

import dev.bulwark.agent.server.NodeAgent;
import dev.bulwark.agent.server.NodeAgentConfig;
import dev.bulwark.identity.server.IdentityAllocatorConfig;
import dev.bulwark.identity.server.IdentityAllocatorServer;
import dev.bulwark.identity.server.Peer;
import dev.bulwark.policy.compile.EngineConfig;
import dev.bulwark.policy.distribution.pipeline.IncrementalEngineCompilation;
import dev.bulwark.policy.distribution.server.DistributorConfig;
import dev.bulwark.policy.distribution.server.DistributorServer;
import dev.bulwark.policy.distribution.stream.AgentAuthenticator;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Everything {@code bulwark up} runs, in one process: a 3-replica identity store on fixed loopback ports
 * (so a restart finds its Raft group again), a distributor, and a local agent. Started in dependency
 * order, stopped in reverse (also when starting fails part-way).
 */
final class LocalStack implements AutoCloseable {

    /** Ports and paths; the identity replicas use identityPort, +2, +4 (Raft on each +1). */
    record Settings(Path data, DistributorConfig.Source source, String node, NodeAgentConfig.Mode datapath,
                    int identityPort, int distributorPort, int agentApiPort) {
    }

    private final Deque<AutoCloseable> running = new ArrayDeque<>();
    private List<String> identity = List.of();
    private DistributorServer distributor;
    private int agentApi;

    static LocalStack start(Settings s, PrintWriter log) throws Exception {
        LocalStack stack = new LocalStack();
        try {
            stack.startAll(s, log);
            return stack;
        } catch (Exception e) {
            stack.close();
            throw e;
        }
    }

    private void startAll(Settings s, PrintWriter log) throws Exception {
        List<Peer> peers = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            peers.add(new Peer("n" + (i + 1), "127.0.0.1", s.identityPort() + 2 * i));
        }
        List<IdentityAllocatorServer> replicas = new ArrayList<>();
        for (Peer p : peers) {
            IdentityAllocatorServer r = IdentityAllocatorServer.start(IdentityAllocatorConfig.of(p.id(), peers,
                    s.data().resolve(p.id()), 1));
            running.push(r);
            replicas.add(r);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (replicas.stream().noneMatch(IdentityAllocatorServer::isLeader)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the identity store elected no leader within 60 s");
            }
            Thread.sleep(50);
        }
        identity = replicas.stream().map(IdentityAllocatorServer::grpcAddress).toList();
        distributor = DistributorServer.start(new DistributorConfig("d1", "127.0.0.1", s.distributorPort(), s.source(),
                        String.join(",", identity), 128, Duration.ofSeconds(60), Duration.ofMillis(20), Optional.empty()),
                new IncrementalEngineCompilation(EngineConfig.DEFAULT), AgentAuthenticator.trustingSubscribedNodeName());
        running.push(distributor);
        NodeAgent agent = new NodeAgent(new NodeAgentConfig(s.node(), "127.0.0.1", distributor.grpcPort(), "127.0.0.1",
                s.agentApiPort(), Path.of("/sys/fs/bpf/bulwark"), s.datapath(), Duration.ofMillis(200),
                Duration.ofSeconds(10), null), log);
        running.push(agent::close);
        agentApi = agent.start();
    }

    List<String> identityAddresses() {
        return identity;
    }

    DistributorServer distributor() {
        return distributor;
    }

    int agentApiPort() {
        return agentApi;
    }

    @Override
    public synchronized void close() {
        while (!running.isEmpty()) {
            try {
                running.pop().close();
            } catch (Exception e) {
                System.err.println("stopping: " + e);
            }
        }
    }
}
