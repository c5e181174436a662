package dev.bulwark.policy.distribution.server;

import dev.bulwark.policy.distribution.cluster.ReplicaCluster;
import dev.bulwark.policy.distribution.pipeline.GrpcIdentitySource;
import dev.bulwark.policy.distribution.pipeline.KubernetesEvents;
import dev.bulwark.policy.distribution.pipeline.Pipeline;
import dev.bulwark.policy.distribution.pipeline.PolicyCompilation;
import dev.bulwark.policy.distribution.pipeline.ProblemReporter;
import dev.bulwark.policy.distribution.source.DevelopmentApiServer;
import dev.bulwark.policy.distribution.source.DirectorySource;
import dev.bulwark.policy.distribution.source.KubernetesSource;
import dev.bulwark.policy.distribution.source.ManifestParser;
import dev.bulwark.policy.distribution.stream.AgentAuthenticator;
import dev.bulwark.policy.distribution.stream.DeliveryListener;
import dev.bulwark.policy.distribution.stream.DistributionLoop;
import dev.bulwark.policy.distribution.stream.PolicyStreamService;
import dev.bulwark.policy.distribution.stream.StreamConfig;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.grpc.Server;
import io.grpc.netty.NettyServerBuilder;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running distributor replica. {@link #start} builds the pieces in dependency order and
 * {@link #close} stops them in reverse; a failure part-way stops what was started.
 */
public final class DistributorServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DistributorServer.class);

    private final Deque<AutoCloseable> stack = new ArrayDeque<>();
    private final DistributorConfig config;
    private Server grpc;
    private DistributionLoop loop;
    private Pipeline pipeline;
    private DevelopmentApiServer devServer;
    /** Set by the background join; guarded by {@code this} with {@link #leaving}. */
    private ReplicaCluster cluster;
    private boolean leaving;

    private DistributorServer(DistributorConfig config) {
        this.config = config;
    }

    public static DistributorServer start(DistributorConfig config, PolicyCompilation compilation,
                                          AgentAuthenticator authenticator) throws Exception {
        return start(config, compilation, authenticator, TransportSecurity.PLAINTEXT);
    }

    /**
     * Starts a replica whose agent edge and identity-allocator edge use {@code security}; with mTLS, pair
     * it with a {@link dev.bulwark.policy.distribution.stream.NodeSvidAuthenticator} so a node SVID may
     * subscribe for its own node only.
     */
    public static DistributorServer start(DistributorConfig config, PolicyCompilation compilation,
                                          AgentAuthenticator authenticator, TransportSecurity security) throws Exception {
        DistributorServer s = new DistributorServer(config);
        try {
            s.startAll(compilation, authenticator, security);
            return s;
        } catch (Exception e) {
            s.close();
            throw e;
        }
    }

    private void startAll(PolicyCompilation compilation, AgentAuthenticator authenticator, TransportSecurity security)
            throws Exception {
        loop = new DistributionLoop(new StreamConfig(config.historyRevisions(), config.ackTimeout(), config.replicaId()),
                InstantSource.system(), DeliveryListener.NONE);
        stack.push(loop);
        // Agents may subscribe at once, but get nothing until the first complete state is published: an
        // empty state would wipe their maps (the chaos convergence workload saw 23 s of that).
        loop.holdUntilServing();
        grpc = NettyServerBuilder.forAddress(new InetSocketAddress(config.listenHost(), config.listenPort()),
                        security.agents())
                .addService(new PolicyStreamService(loop, authenticator, this::replicas))
                .build().start();
        stack.push(() -> grpc.shutdown().awaitTermination(5, TimeUnit.SECONDS));
        if (config.cluster().isPresent()) {
            var cc = config.cluster().get();
            var clusterConfig = new dev.bulwark.policy.distribution.cluster.ClusterConfig(cc.replicaId(),
                    config.listenHost() + ":" + grpc.getPort(), cc.host(), cc.hazelcastPort(), cc.members(), cc.announceEvery());
            // In the background: the cluster is soft state (peer notices, the replica directory), and joining
            // takes 5-20 s (Hazelcast waits before it joins, longer while peers still list this replica's
            // previous run). A restarted replica serves its agents once its own first state is computed.
            Thread.ofPlatform().daemon().name("distributor-cluster-join").start(() -> joinCluster(clusterConfig));
            stack.push(this::leaveCluster);
        }
        GrpcIdentitySource identity = new GrpcIdentitySource(List.of(config.identityTarget().split(",")), Duration.ofSeconds(10),
                security.identity());
        stack.push(identity);
        KubernetesClient client = kubernetesClient();
        ProblemReporter reporter = ProblemReporter.NONE;
        if (client != null) {
            KubernetesEvents events = new KubernetesEvents(client, InstantSource.system(), "bulwark-distributor-" + config.replicaId());
            stack.push(events);
            reporter = events;
        }
        pipeline = new Pipeline(identity, compilation, loop,
                reporter, config.coalesce());
        stack.push(pipeline);
        if (client == null) {
            var d = (DistributorConfig.Directory) config.source();
            DirectorySource source = new DirectorySource(d.path(), pipeline.store(), Duration.ofMillis(100));
            source.start();
            stack.push(source);
        } else {
            KubernetesSource source = new KubernetesSource(client, pipeline.store(), Duration.ofMinutes(10));
            stack.push(source);
            source.start(Duration.ofSeconds(60));
        }
        pipeline.sourcesSynced();
    }

    private void joinCluster(dev.bulwark.policy.distribution.cluster.ClusterConfig clusterConfig) {
        long start = System.nanoTime();
        try {
            ReplicaCluster joined = ReplicaCluster.join(clusterConfig, loop);
            synchronized (this) {
                if (!leaving) {
                    cluster = joined;
                    LOG.info("replica {}: joined the distributor cluster in {} ms", config.replicaId(),
                            (System.nanoTime() - start) / 1_000_000);
                    return;
                }
            }
            joined.close(); // stopped while joining
        } catch (Exception e) {
            LOG.error("replica {}: could not join the distributor cluster; serving without peers", config.replicaId(), e);
        }
    }

    private void leaveCluster() {
        ReplicaCluster joined;
        synchronized (this) {
            leaving = true;
            joined = cluster;
            cluster = null;
        }
        if (joined != null) {
            joined.close();
        }
    }

    private synchronized List<dev.bulwark.proto.policy.v1.ReplicaState> replicas() {
        return cluster == null ? List.of() : cluster.replicas();
    }

    /** The API server client for Kubernetes sources (starting the development server first); null for a directory. */
    private KubernetesClient kubernetesClient() throws Exception {
        KubernetesClient client;
        switch (config.source()) {
            case DistributorConfig.Directory d -> {
                return null;
            }
            case DistributorConfig.Kubernetes k -> {
                KubernetesClientBuilder builder = new KubernetesClientBuilder();
                k.masterUrl().ifPresent(url -> builder.withConfig(
                        new io.fabric8.kubernetes.client.ConfigBuilder().withMasterUrl(url).build()));
                client = builder.build();
                stack.push(client);
            }
            case DistributorConfig.DevelopmentServer d -> {
                devServer = DevelopmentApiServer.start(d.port());
                stack.push(devServer);
                client = devServer.client();
                stack.push(client);
                if (d.seed().isPresent()) {
                    seed(client, d.seed().get());
                }
            }
        }
        return client;
    }

    /** Creates the manifests of {@code dir} in the development server (bad files are logged and skipped). */
    private static void seed(KubernetesClient client, Path dir) throws Exception {
        List<Path> files;
        try (Stream<Path> walk = Files.walk(dir)) {
            files = walk.filter(p -> p.toString().matches(".*\\.(ya?ml|json)")).sorted().toList();
        }
        for (Path f : files) {
            try {
                ManifestParser.parse(Files.readString(f));
                try (var in = Files.newInputStream(f)) {
                    for (var item : client.load(in).items()) {
                        client.resource(item).createOr(io.fabric8.kubernetes.client.dsl.NonDeletingOperation::update);
                    }
                }
            } catch (IllegalArgumentException e) {
                LOG.warn("{}: {} (not loaded)", f, e.getMessage());
            }
        }
    }

    public int grpcPort() {
        return grpc.getPort();
    }

    public DistributionLoop loop() {
        return loop;
    }

    public Pipeline pipeline() {
        return pipeline;
    }

    /** The development API server, when that is the source. */
    public Optional<DevelopmentApiServer> developmentServer() {
        return Optional.ofNullable(devServer);
    }

    @Override
    public void close() {
        while (!stack.isEmpty()) {
            try {
                stack.pop().close();
            } catch (Exception e) {
                LOG.warn("stopping a distributor part failed", e);
            }
        }
    }
}
