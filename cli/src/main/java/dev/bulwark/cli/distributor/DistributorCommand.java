package dev.bulwark.cli.distributor;

import dev.bulwark.cli.ExitCode;
import dev.bulwark.cli.OutputOptions;
import dev.bulwark.cli.TlsOptions;
import dev.bulwark.mesh.tls.SvidDirectory;
import dev.bulwark.policy.compile.EngineConfig;
import dev.bulwark.policy.distribution.cluster.ClusterConfig;
import dev.bulwark.policy.distribution.pipeline.IncrementalEngineCompilation;
import dev.bulwark.policy.distribution.server.DistributorConfig;
import dev.bulwark.policy.distribution.server.DistributorServer;
import dev.bulwark.policy.distribution.server.TransportSecurity;
import dev.bulwark.policy.distribution.stream.AgentAuthenticator;
import dev.bulwark.policy.distribution.stream.NodeSvidAuthenticator;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code bulwark distributor}: run a policy distributor replica. */
@Command(name = "distributor", description = "The policy distributor: cluster objects in, per-agent deltas out.",
        subcommands = {DistributorCommand.Start.class})
public final class DistributorCommand {

    @Command(name = "start", description = {
            "Run one distributor replica until Ctrl-C: a source (--watch DIR, --kubernetes, or --dev-api-server),",
            "identities from --identity, PolicyDistribution on --listen. With --tls-dir both run on mTLS and an",
            "agent may subscribe only for the node its node SVID names; without it agent streams are NOT",
            "authenticated (development: the subscribed node name is trusted)."})
    static final class Start implements Callable<Integer> {

        @Mixin
        OutputOptions output;

        @Option(names = "--id", defaultValue = "d1", description = "replica id, a DNS label (default ${DEFAULT-VALUE})")
        String id;

        @Option(names = "--listen", defaultValue = "127.0.0.1:" + StatusCommand.DEFAULT_PORT,
                description = "host:port for PolicyDistribution (default ${DEFAULT-VALUE})")
        String listen;

        @Option(names = "--identity", required = true, description = "host:port of an identity-allocator replica")
        String identity;

        @ArgGroup(exclusive = true, multiplicity = "1")
        SourceOptions source;

        static final class SourceOptions {
            @Option(names = "--watch", paramLabel = "DIR", description = "a folder of YAML manifests, watched")
            Path watch;

            @Option(names = "--kubernetes", description = "the cluster of the current kubeconfig")
            boolean kubernetes;

            @Option(names = "--kubernetes-url", paramLabel = "URL", description = "an API server URL (no auth)")
            String kubernetesUrl;

            @Option(names = "--dev-api-server", paramLabel = "PORT",
                    description = "embedded DEVELOPMENT API server on 127.0.0.1:PORT (kubectl --validate=false works)")
            Integer devApiServer;
        }

        @Option(names = "--seed", paramLabel = "DIR", description = "with --dev-api-server: create these manifests at start")
        Path seed;

        @Option(names = "--cluster-port", description = "Hazelcast port on 127.0.0.1; enables clustering with --cluster-member")
        Integer clusterPort;

        @Option(names = "--cluster-member", paramLabel = "HOST:PORT", description = "a Hazelcast member (repeat; include this one)")
        List<String> members = new ArrayList<>();

        @Mixin
        TlsOptions tls;

        @Override
        public Integer call() throws Exception {
            DistributorConfig config;
            Optional<SvidDirectory> svid;
            try {
                config = config();
                svid = tls.load();
            } catch (IllegalArgumentException e) {
                output.error(e.getMessage());
                return ExitCode.USAGE;
            }
            AgentAuthenticator authenticator = svid.<AgentAuthenticator>map(d -> new NodeSvidAuthenticator(d.trustDomain()))
                    .orElse(AgentAuthenticator.trustingSubscribedNodeName());
            TransportSecurity security = svid.map(d -> new TransportSecurity(TlsOptions.serving(d).serverCredentials(true),
                    TlsOptions.dialling(d).channelCredentials())).orElse(TransportSecurity.PLAINTEXT);
            CountDownLatch stop = new CountDownLatch(1);
            try (DistributorServer server = DistributorServer.start(config, new IncrementalEngineCompilation(EngineConfig.DEFAULT),
                    authenticator, security)) {
                var out = output.out();
                out.printf("distributor %s: PolicyDistribution on %s:%d%n", config.replicaId(), config.listenHost(), server.grpcPort());
                server.developmentServer().ifPresent(d -> out.printf(
                        "DEVELOPMENT API server (in-memory, not Kubernetes) on %s — kubectl -s %s --validate=false ...%n",
                        d.url(), d.url()));
                out.println(svid.map(d -> "mTLS as " + d.svid().id() + ": agents need their node SVID; Ctrl-C stops")
                        .orElse("agent streams are not authenticated (development); Ctrl-C stops"));
                out.flush();
                Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown));
                stop.await();
            }
            return ExitCode.OK;
        }

        private DistributorConfig config() {
            String[] hp = listen.split(":");
            if (hp.length != 2 || !hp[1].matches("\\d{1,5}")) {
                throw new IllegalArgumentException("--listen: must be host:port, got \"" + listen + "\"");
            }
            DistributorConfig.Source src;
            if (source.watch != null) {
                src = new DistributorConfig.Directory(source.watch);
            } else if (source.devApiServer != null) {
                src = new DistributorConfig.DevelopmentServer(source.devApiServer, Optional.ofNullable(seed));
            } else {
                src = new DistributorConfig.Kubernetes(Optional.ofNullable(source.kubernetesUrl));
            }
            Optional<ClusterConfig> cluster = clusterPort == null ? Optional.empty()
                    : Optional.of(new ClusterConfig(id, listen, "127.0.0.1", clusterPort, members, Duration.ofSeconds(2)));
            return new DistributorConfig(id, hp[0], Integer.parseInt(hp[1]), src, identity, 128, Duration.ofSeconds(60),
                    Duration.ofMillis(20), cluster);
        }
    }
}
