package dev.bulwark.cli.identity;

import dev.bulwark.cli.ExitCode;
import dev.bulwark.cli.OutputOptions;
import dev.bulwark.cli.TlsOptions;
import dev.bulwark.identity.AllocationPolicy;
import dev.bulwark.identity.server.IdentityAllocatorConfig;
import dev.bulwark.identity.server.IdentityAllocatorServer;
import dev.bulwark.identity.server.Membership;
import dev.bulwark.identity.server.Peer;
import dev.bulwark.model.IdentityLayout;
import dev.bulwark.model.LabelSet;
import dev.bulwark.mesh.tls.SvidDirectory;
import dev.bulwark.model.identity.SecurityLabelFilter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code bulwark allocator}: run an identity-allocator replica and change the replica set. */
@Command(name = "allocator", description = "Run and manage the Raft-replicated identity allocator.",
        subcommands = {AllocatorCommand.Start.class, AllocatorCommand.Members.class})
public final class AllocatorCommand {

    static final String PORTS = "Each replica is given ONE port P in --peers: the IdentityService (gRPC, what clients and "
            + "--allocators use) listens on P and Raft on P+1, so leave P+1 free too.";

    @Command(name = "start", description = {
            "Run one identity-allocator replica in the foreground until interrupted.",
            PORTS,
            "Example (three shells): bulwark allocator start --id n1 --peers "
                    + "n1=127.0.0.1:7100,n2=127.0.0.1:7110,n3=127.0.0.1:7120 --data /var/lib/bulwark/n1 --cluster-id 1",
            "Restarting with the same --data recovers from the latest snapshot plus the Raft log."})
    static final class Start implements Callable<Integer> {

        @Mixin
        OutputOptions output;

        @Option(names = "--id", required = true, description = "this replica's id; must appear in --peers")
        String id;

        @Option(names = "--peers", required = true, split = ",", paramLabel = "ID=HOST:PORT",
                description = "every replica, this one included (gRPC port P; Raft uses P+1)")
        List<String> peers;

        @Option(names = "--data", required = true, description = "this replica's data directory (Raft log, snapshots)")
        Path data;

        @Option(names = "--cluster-id", required = true, description = "ClusterMesh cluster id, 1..255 (1..511 with --max-clusters 511)")
        int clusterId;

        @Option(names = "--max-clusters", defaultValue = "255", description = "255 (16 local bits) or 511 (15 local bits); default ${DEFAULT-VALUE}")
        int maxClusters;

        @Option(names = "--lease-ttl", defaultValue = "60s", converter = DurationConverter.class,
                description = "owner lease without KeepAlive before its references drop (default ${DEFAULT-VALUE})")
        Duration leaseTtl;

        @Option(names = "--grace-period", defaultValue = "5m", converter = DurationConverter.class,
                description = "unreferenced identity kept this long before release (default ${DEFAULT-VALUE})")
        Duration grace;

        @Option(names = "--quarantine", defaultValue = "15m", converter = DurationConverter.class,
                description = "a released number is not reused for this long (default ${DEFAULT-VALUE})")
        Duration quarantine;

        @Option(names = "--pin", paramLabel = "ID=LABEL[;LABEL...]",
                description = "pin a user-reserved identity 128..255 to a label set, e.g. 130=k8s:app=dns;k8s:io.kubernetes.pod.namespace=kube-system")
        List<String> pins = new ArrayList<>();

        @Option(names = "--label-filter", paramLabel = "EXPR",
                description = "extra security-label patterns [!][source:]regex added to Cilium's defaults; any include switches to allow-list mode")
        List<String> labelFilter = new ArrayList<>();

        @Option(names = "--metrics-port", defaultValue = "0", description = "Prometheus text endpoint port (0 = off, -1 = any free port)")
        int metricsPort;

        @Option(names = "--join", description = "start outside the group and wait for `bulwark allocator members add`")
        boolean join;

        @Option(names = "--election-timeout", defaultValue = "300ms..600ms", paramLabel = "MIN..MAX",
                description = {"randomized Raft election timeout; a follower that hears no leader for it stands for "
                        + "election, so a dead leader is replaced after roughly 1-2 times it (default ${DEFAULT-VALUE}; "
                        + "every replica should use the same range)"})
        String electionTimeout;

        @Option(names = "--no-leader-exit-watch", negatable = false,
                description = {"do not stand for election as soon as the leader's Raft port refuses connections (its "
                        + "process is gone); wait for the election timeout instead. By default a follower keeps an idle "
                        + "connection to the leader's Raft port and stands at once when the leader exits"})
        boolean noLeaderExitWatch;

        @Mixin
        TlsOptions tls;

        /** The Raft settings these options give (a bad {@code --election-timeout} throws naming it). */
        IdentityAllocatorConfig.RaftSettings raft() {
            return raftSettings(electionTimeout).withStandOnLeaderExit(!noLeaderExitWatch);
        }

        @Override
        public Integer call() throws Exception {
            IdentityAllocatorConfig config;
            Optional<SvidDirectory> svid;
            try {
                svid = tls.load();
                Map<Integer, LabelSet> pinned = new HashMap<>();
                for (String p : pins) {
                    int eq = p.indexOf('=');
                    if (eq <= 0) {
                        throw new IllegalArgumentException("--pin \"" + p + "\": expected ID=LABEL[;LABEL...]");
                    }
                    pinned.put(Integer.parseInt(p.substring(0, eq)), LabelSet.parse(List.of(p.substring(eq + 1).split(";"))));
                }
                AllocationPolicy policy = new AllocationPolicy(clusterId, new IdentityLayout(maxClusters), leaseTtl, grace,
                        quarantine, pinned);
                config = new IdentityAllocatorConfig(id, peers.stream().map(Peer::parse).toList(), data, policy,
                        SecurityLabelFilter.of(labelFilter), raft(), metricsPort, join);
            } catch (IllegalArgumentException e) {
                output.error(e.getMessage());
                return ExitCode.USAGE;
            }
            CountDownLatch stopped = new CountDownLatch(1);
            IdentityAllocatorServer server = svid.isEmpty() ? IdentityAllocatorServer.start(config)
                    : IdentityAllocatorServer.start(config, InstantSource.system(),
                    TlsOptions.serving(svid.get()).serverCredentials(true));
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    server.close();
                } catch (Exception ignored) {
                    // exiting anyway
                }
                stopped.countDown();
            }));
            output.err().printf("replica %s: IdentityService on %s (%s), Raft on %s, cluster %d (ids %d..%d)%s%n", id,
                    server.grpcAddress(), svid.map(d -> "mTLS as " + d.svid().id()).orElse("plaintext"), config.self().raftAddress(), clusterId, config.policy().minIdentity(),
                    config.policy().maxIdentity(), server.metricsPort().map(p -> ", metrics on :" + p + "/metrics").orElse(""));
            output.err().flush();
            stopped.await();
            return ExitCode.OK;
        }
    }

    /** {@code MIN..MAX} durations; a bad range is an error naming the option, as other bad options are. */
    public static IdentityAllocatorConfig.RaftSettings raftSettings(String electionTimeout) {
        String[] range = electionTimeout.split("\\.\\.", -1);
        if (range.length != 2) {
            throw new IllegalArgumentException("--election-timeout \"" + electionTimeout + "\": expected MIN..MAX, e.g. 300ms..600ms");
        }
        DurationConverter durations = new DurationConverter();
        try {
            return IdentityAllocatorConfig.RaftSettings.DEFAULT.withElectionTimeout(durations.convert(range[0]),
                    durations.convert(range[1]));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("--election-timeout \"" + electionTimeout + "\": " + e.getMessage(), e);
        }
    }

    @Command(name = "members", description = "Change the replica set (Raft joint consensus).",
            subcommands = {Members.Add.class, Members.Remove.class})
    static final class Members {

        static class Common {
            @Mixin
            OutputOptions output;

            @Option(names = "--peers", required = true, split = ",", paramLabel = "ID=HOST:PORT",
                    description = "the current members (gRPC port P; Raft on P+1)")
            List<String> peers;

            @Option(names = "--cluster-id", required = true, description = "the cluster id the replicas run with")
            int clusterId;

            int run(MembershipChange change) {
                try {
                    List<Peer> now = change.apply(clusterId, peers.stream().map(Peer::parse).toList());
                    output.out().println("members: " + now.stream().map(Peer::toString).toList());
                    output.out().flush();
                    return ExitCode.OK;
                } catch (IllegalArgumentException e) {
                    output.error(e.getMessage());
                    return ExitCode.USAGE;
                } catch (java.io.IOException e) {
                    output.error(e.getMessage());
                    return ExitCode.UNAVAILABLE;
                }
            }
        }

        interface MembershipChange {
            List<Peer> apply(int clusterId, List<Peer> current) throws java.io.IOException;
        }

        @Command(name = "add", description = {"Add a replica. Start it first with `bulwark allocator start --join` "
                + "(its --peers must list all members including itself).", PORTS})
        static final class Add extends Common implements Callable<Integer> {
            @Option(names = "--new", required = true, paramLabel = "ID=HOST:PORT", description = "the replica to add")
            String added;

            @Override
            public Integer call() {
                return run((cluster, current) -> Membership.add(cluster, current, Peer.parse(added)));
            }
        }

        @Command(name = "remove", description = "Remove a replica from the group; stop its process afterwards.")
        static final class Remove extends Common implements Callable<Integer> {
            @Option(names = "--id", required = true, description = "the replica to remove")
            String removed;

            @Override
            public Integer call() {
                return run((cluster, current) -> Membership.remove(cluster, current, removed));
            }
        }
    }
}
