package dev.bulwark.cli.distributor;

import dev.bulwark.agent.server.NodeAgent;
import dev.bulwark.agent.server.NodeAgentConfig;
import dev.bulwark.cli.ExitCode;
import dev.bulwark.cli.OutputOptions;
import dev.bulwark.identity.server.IdentityAllocatorConfig;
import dev.bulwark.identity.server.IdentityAllocatorServer;
import dev.bulwark.identity.server.Peer;
import dev.bulwark.policy.compile.EngineConfig;
import dev.bulwark.policy.distribution.pipeline.EngineCompilation;
import dev.bulwark.policy.distribution.server.DistributorConfig;
import dev.bulwark.policy.distribution.server.DistributorServer;
import dev.bulwark.policy.distribution.stream.AgentAuthenticator;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code bulwark up}: the whole product on this machine with embedded defaults — a 3-replica identity
 * store in a local data directory, one distributor watching {@code examples/} (or the development API
 * server), and a local agent (kernel datapath when bpf() is permitted, the model datapath otherwise; the
 * agent says which). Restarting keeps identities (the Raft data directory and ports are fixed).
 */
@Command(name = "up", description = {
        "Run identity store (3 Raft replicas), distributor and a local agent with embedded defaults until Ctrl-C.",
        "Prints where everything listens. Identities survive a restart (--data)."})
public final class UpCommand implements Callable<Integer> {

    @Mixin
    OutputOptions output;

    @Option(names = "--data", defaultValue = ".bulwark/up", description = "data directory of the identity store (default ${DEFAULT-VALUE})")
    Path data;

    @Option(names = "--watch", defaultValue = "examples", description = "manifest folder the distributor watches (default ${DEFAULT-VALUE})")
    Path watch;

    @Option(names = "--dev-api-server", paramLabel = "PORT",
            description = "instead of watching: an embedded DEVELOPMENT API server on 127.0.0.1:PORT, seeded from --watch (kubectl works)")
    Integer devApiServer;

    @Option(names = "--node", defaultValue = "bulwark-dev", description = "this machine's node name (default ${DEFAULT-VALUE})")
    String node;

    @Option(names = "--datapath", defaultValue = "auto", description = "auto, kernel or model (default ${DEFAULT-VALUE})")
    NodeAgentConfig.Mode datapath;

    @Option(names = "--identity-port", defaultValue = "7450", description = "first identity replica's gRPC port; replicas use P, P+2, P+4 (Raft on +1) (default ${DEFAULT-VALUE})")
    int identityPort;

    @Option(names = "--distributor-port", defaultValue = "" + StatusCommand.DEFAULT_PORT, description = "(default ${DEFAULT-VALUE})")
    int distributorPort;

    @Option(names = "--agent-api-port", defaultValue = "9890", description = "(default ${DEFAULT-VALUE})")
    int agentApiPort;

    @Override
    public Integer call() throws Exception {
        if (devApiServer == null && !Files.isDirectory(watch)) {
            output.error("--watch: " + watch + " is not a directory (run from the repository root, or pass --watch)");
            return ExitCode.USAGE;
        }
        PrintWriter out = output.out();
        Deque<AutoCloseable> running = new ArrayDeque<>();
        CountDownLatch stop = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            stopAll(running);
            stop.countDown();
        }, "bulwark-up-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            List<String> identity = startIdentityStore(running);
            DistributorServer distributor = DistributorServer.start(distributorConfig(identity),
                    new EngineCompilation(EngineConfig.DEFAULT), AgentAuthenticator.trustingSubscribedNodeName());
            running.push(distributor);
            NodeAgent agent = new NodeAgent(new NodeAgentConfig(node, "127.0.0.1", distributor.grpcPort(), "127.0.0.1",
                    agentApiPort, Path.of("/sys/fs/bpf/bulwark"), datapath, Duration.ofMillis(200), Duration.ofSeconds(10),
                    null), output.err());
            running.push(agent::close);
            int api = agent.start();
            out.println();
            out.println("bulwark is up:");
            out.printf("  identity store   3 Raft replicas, IdentityService on %s (data %s)%n", String.join(", ", identity),
                    data.toAbsolutePath());
            out.printf("  distributor      PolicyDistribution on 127.0.0.1:%d, source %s%n", distributor.grpcPort(),
                    distributor.developmentServer().map(d -> "DEVELOPMENT API server " + d.url()
                            + " (in-memory, not Kubernetes; kubectl -s " + d.url() + " --validate=false ...)")
                            .orElse("folder " + watch.toAbsolutePath() + " (watched)"));
            out.printf("  agent            node %s, API http://127.0.0.1:%d (datapath: see the agent's line above)%n", node, api);
            out.println("  status           bulwark status --distributor 127.0.0.1:" + distributor.grpcPort());
            out.println("Ctrl-C stops everything; identities are kept for the next `bulwark up`.");
            out.flush();
            stop.await();
            return ExitCode.OK;
        } catch (Exception e) {
            output.error("bulwark up failed: " + e.getMessage());
            Runtime.getRuntime().removeShutdownHook(hook);
            stopAll(running);
            return ExitCode.UNAVAILABLE;
        }
    }

    private List<String> startIdentityStore(Deque<AutoCloseable> running) throws Exception {
        List<Peer> peers = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            peers.add(new Peer("n" + (i + 1), "127.0.0.1", identityPort + 2 * i));
        }
        List<IdentityAllocatorServer> replicas = new ArrayList<>();
        for (Peer p : peers) {
            IdentityAllocatorServer s = IdentityAllocatorServer.start(IdentityAllocatorConfig.of(p.id(), peers,
                    data.resolve(p.id()), 1));
            running.push(s);
            replicas.add(s);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (replicas.stream().noneMatch(IdentityAllocatorServer::isLeader)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the identity store elected no leader within 60 s");
            }
            Thread.sleep(50);
        }
        return replicas.stream().map(IdentityAllocatorServer::grpcAddress).toList();
    }

    private DistributorConfig distributorConfig(List<String> identity) {
        DistributorConfig.Source source = devApiServer == null ? new DistributorConfig.Directory(watch)
                : new DistributorConfig.DevelopmentServer(devApiServer,
                        Files.isDirectory(watch) ? Optional.of(watch) : Optional.empty());
        return new DistributorConfig("d1", "127.0.0.1", distributorPort, source, String.join(",", identity), 128,
                Duration.ofSeconds(60), Duration.ofMillis(20), Optional.empty());
    }

    private static void stopAll(Deque<AutoCloseable> running) {
        while (!running.isEmpty()) {
            try {
                running.pop().close();
            } catch (Exception e) {
                System.err.println("stopping: " + e);
            }
        }
    }
}
