package dev.bulwark.identity.server;

import dev.bulwark.identity.IdentityAllocator;
import dev.bulwark.identity.IdentityCommand;
import dev.bulwark.identity.IdentityTable;
import dev.bulwark.identity.grpc.IdentityGrpcService;
import dev.bulwark.identity.grpc.RequestReader;
import dev.bulwark.identity.raft.ChangeFeed;
import dev.bulwark.identity.raft.IdentityStateMachine;
import dev.bulwark.identity.raft.RaftGateway;
import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.ServerCredentials;
import io.grpc.netty.NettyServerBuilder;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.time.InstantSource;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.DivisionInfo;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.storage.RaftStorage;

/**
 * One identity-allocator replica: a Ratis server (Raft port = gRPC port + 1) running the
 * {@link IdentityStateMachine}, the gRPC IdentityService on the peer's port, a timer that makes the
 * leader propose a Tick every {@code tickInterval} (so leases and grace periods end in log time even
 * when idle), a {@link LeaderExitWatch} (a follower stands for election as soon as the leader's process is
 * gone), and optionally a Prometheus text endpoint.
 *
 * <p>Use: {@code try (var s = IdentityAllocatorServer.start(config)) { ... }}. For N replicas in one
 * process start one per config from {@link IdentityAllocatorConfig#loopbackCluster}. Restarting with
 * the same data directory recovers the table from the latest snapshot plus the log.
 *
 * <p>Thread model: owns its threads (Ratis, gRPC, one tick thread, one leader-exit watch thread); every public method is thread-safe.
 */
public final class IdentityAllocatorServer implements AutoCloseable {

    private final IdentityAllocatorConfig config;
    private final RaftServer raft;
    private final RaftGroupId groupId;
    private final IdentityStateMachine stateMachine;
    private final RaftGateway gateway;
    private final Server grpc;
    private final ScheduledExecutorService ticker;
    private final HTTPServer metricsServer;
    private final LeaderExitWatch leaderExitWatch;
    private final AllocatorMetrics metrics;

    private IdentityAllocatorServer(IdentityAllocatorConfig config, InstantSource clock, ServerCredentials credentials)
            throws IOException {
        this.config = config;
        this.metrics = new AllocatorMetrics();
        this.stateMachine = new IdentityStateMachine(new IdentityAllocator(config.policy()),
                new ChangeFeed(config.raft().watchHistory()), metrics);
        RaftGroup group = config.join() ? RaftGroup.valueOf(RaftSetup.groupId(config.policy().clusterId()))
                : RaftSetup.group(config.policy().clusterId(), config.peers());
        this.groupId = group.getGroupId();
        Files.createDirectories(config.dataDir());
        boolean existing = Files.isDirectory(config.dataDir().resolve(groupId.getUuid().toString()));
        this.raft = RaftServer.newBuilder()
                .setServerId(RaftPeerId.valueOf(config.id()))
                .setGroup(group)
                .setStateMachine(stateMachine)
                .setProperties(RaftSetup.serverProperties(config))
                .setOption(existing ? RaftStorage.StartupOption.RECOVER : RaftStorage.StartupOption.FORMAT)
                .build();
        raft.start();
        this.leaderExitWatch = config.raft().standOnLeaderExit()
                ? new LeaderExitWatch(raft, groupId, RaftPeerId.valueOf(config.id()), metrics::stoodEarly)
                : null;
        this.gateway = new RaftGateway(raft, groupId, stateMachine, clock,
                config.raft().maxBatchLabelSets(), config.raft().maxWritesInFlight());
        Peer self = config.self();
        this.grpc = NettyServerBuilder.forAddress(new InetSocketAddress(self.host(), self.port()), credentials)
                .callExecutor(IdentityGrpcService::executorFor)
                .addService(new IdentityGrpcService(gateway, stateMachine.feed(), config.policy(),
                        new RequestReader(config.policy(), config.filter())))
                .build().start();
        this.ticker = Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform().daemon()
                .name("identity-tick-" + config.id()).unstarted(r));
        long tick = config.raft().tickInterval().toMillis();
        ticker.scheduleWithFixedDelay(this::tick, tick, tick, TimeUnit.MILLISECONDS);
        this.metricsServer = config.metricsPort() == 0 ? null : HTTPServer.builder()
                .hostname(self.host()).port(Math.max(0, config.metricsPort()))
                .registry(metrics.registry()).buildAndStart();
    }

    /** Starts a replica with the system clock as its leader clock. */
    public static IdentityAllocatorServer start(IdentityAllocatorConfig config) throws IOException {
        return start(config, InstantSource.system());
    }

    /** Starts a replica; {@code clock} stamps the entries it proposes while leader. */
    public static IdentityAllocatorServer start(IdentityAllocatorConfig config, InstantSource clock) throws IOException {
        return new IdentityAllocatorServer(config, clock, InsecureServerCredentials.create());
    }

    /**
     * Starts a replica whose IdentityService accepts only what {@code credentials} admits: mesh-auth's
     * {@code MeshTls.serverCredentials(true)} makes every client present a valid SVID in the TLS handshake
     * (a client without one, of an untrusted trust domain, or expired never reaches a call). Raft traffic
     * between replicas is not covered by these credentials.
     */
    public static IdentityAllocatorServer start(IdentityAllocatorConfig config, InstantSource clock,
                                                ServerCredentials credentials) throws IOException {
        return new IdentityAllocatorServer(config, clock, java.util.Objects.requireNonNull(credentials, "credentials"));
    }

    private void tick() {
        if (isLeader()) {
            gateway.submit(new IdentityCommand.Tick());
        }
    }

    public String id() {
        return config.id();
    }

    public IdentityAllocatorConfig config() {
        return config;
    }

    /** The IdentityService address clients dial, {@code host:port}. */
    public String grpcAddress() {
        return config.self().grpcAddress();
    }

    /** The Prometheus endpoint's port, if enabled ({@code http://host:port/metrics}). */
    public Optional<Integer> metricsPort() {
        return Optional.ofNullable(metricsServer).map(HTTPServer::getPort);
    }

    public boolean isLeader() {
        return info().map(DivisionInfo::isLeader).orElse(false);
    }

    /** The gRPC address of the leader this replica knows of. */
    public Optional<String> leaderAddress() {
        try {
            RaftServer.Division d = raft.getDivision(groupId);
            RaftPeerId leader = d.getInfo().getLeaderId();
            RaftPeer peer = leader == null ? null : d.getRaftConf().getPeer(leader);
            return Optional.ofNullable(peer).map(RaftGateway::grpcAddressOf);
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** Elections this replica stood for at once because the leader's process was gone ({@link LeaderExitWatch}). */
    public long earlyElections() {
        return metrics.earlyElections();
    }

    /** The table as applied on this replica (not a linearizable read; for tests and diagnostics). */
    public IdentityTable table() {
        return stateMachine.table();
    }

    /** The index of the last log entry applied on this replica. */
    public long appliedIndex() {
        return info().map(DivisionInfo::getLastAppliedIndex).orElse(-1L);
    }

    /** This replica's Raft state for diagnostics (e.g. a test's failure message); empty once closed. */
    public Optional<RaftStatus> raftStatus() {
        try {
            return Optional.of(RaftStatus.of(raft.getDivision(groupId), stateMachine));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private Optional<DivisionInfo> info() {
        try {
            return Optional.of(raft.getDivision(groupId).getInfo());
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** Stops gRPC, the timer, metrics and Raft; the data directory is kept for a restart. */
    @Override
    public void close() throws IOException {
        ticker.shutdownNow();
        if (leaderExitWatch != null) {
            leaderExitWatch.close();
        }
        // Let calls already waiting on Raft finish (bounded) before Raft goes away under them.
        grpc.shutdown();
        try {
            grpc.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        grpc.shutdownNow();
        if (metricsServer != null) {
            metricsServer.close();
        }
        raft.close();
        gateway.close();
    }
}
