package dev.bulwark.cli.distributor;

import dev.bulwark.agent.server.NodeAgentConfig;
import dev.bulwark.cli.ExitCode;
import dev.bulwark.cli.OutputOptions;
import dev.bulwark.policy.distribution.server.DistributorConfig;
import dev.bulwark.policy.distribution.server.DistributorServer;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
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
        DistributorConfig.Source source = devApiServer == null ? new DistributorConfig.Directory(watch)
                : new DistributorConfig.DevelopmentServer(devApiServer,
                        Files.isDirectory(watch) ? Optional.of(watch) : Optional.empty());
        LocalStack stack;
        try {
            stack = LocalStack.start(new LocalStack.Settings(data, source, node, datapath, identityPort, distributorPort,
                    agentApiPort), output.err());
        } catch (Exception e) {
            output.error("bulwark up failed: " + e.getMessage());
            return ExitCode.UNAVAILABLE;
        }
        CountDownLatch stop = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stack.close();
            stop.countDown();
        }, "bulwark-up-shutdown"));
        DistributorServer distributor = stack.distributor();
        PrintWriter out = output.out();
        out.println();
        out.println("bulwark is up:");
        out.printf("  identity store   3 Raft replicas, IdentityService on %s (data %s)%n",
                String.join(", ", stack.identityAddresses()), data.toAbsolutePath());
        out.printf("  distributor      PolicyDistribution on 127.0.0.1:%d, source %s%n", distributor.grpcPort(),
                distributor.developmentServer().map(d -> "DEVELOPMENT API server " + d.url()
                        + " (in-memory, not Kubernetes; kubectl -s " + d.url() + " --validate=false ...)")
                        .orElse("folder " + watch.toAbsolutePath() + " (watched)"));
        out.printf("  agent            node %s, API http://127.0.0.1:%d (datapath: see the agent's line above)%n", node,
                stack.agentApiPort());
        out.println("  status           bulwark status --distributor 127.0.0.1:" + distributor.grpcPort());
        out.println("Ctrl-C stops everything; identities are kept for the next `bulwark up`.");
        out.flush();
        stop.await();
        return ExitCode.OK;
    }
}
