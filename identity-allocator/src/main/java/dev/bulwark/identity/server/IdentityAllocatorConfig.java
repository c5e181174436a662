package dev.bulwark.identity.server;

import dev.bulwark.identity.AllocationPolicy;
import dev.bulwark.model.identity.SecurityLabelFilter;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Everything one replica needs, validated on construction (messages name the field).
 *
 * @param id           this replica's id; must be one of {@code peers} unless {@code join} is set
 * @param peers        the initial members (all replicas, this one included); ids and ports distinct
 * @param dataDir      this replica's own directory: Raft log, snapshots; reused on restart
 * @param policy       numbering, cluster id, lease/grace/quarantine, pinned identities (equal on all replicas)
 * @param filter       the security-label filter applied at the gRPC edge
 * @param raft         Ratis settings
 * @param metricsPort  Prometheus text endpoint on the peer's host; 0 = disabled, -1 = any free port
 * @param join         start with an empty group and wait to be added by {@code allocator members add}
 */
public record IdentityAllocatorConfig(String id, List<Peer> peers, Path dataDir, AllocationPolicy policy,
                                      SecurityLabelFilter filter, RaftSettings raft, int metricsPort, boolean join) {

    /**
     * Ratis and batching settings.
     *
     * @param electionTimeoutMin  lower bound of the randomized election timeout
     * @param electionTimeoutMax  upper bound
     * @param snapshotThreshold   log entries between automatic snapshots (after which the log is purged)
     * @param tickInterval        how often the leader proposes a Tick so leases and grace periods end on time
     * @param maxBatchLabelSets   label sets per group-committed log entry
     * @param maxWritesInFlight   group-commit entries outstanding at once
     * @param watchHistory        changes kept in memory for Watch replay before a snapshot is sent instead
     * @param standOnLeaderExit   a follower stands for election as soon as the leader's Raft port refuses
     *                            connections, instead of waiting out its election timeout ({@code LeaderExitWatch})
     */
    public record RaftSettings(Duration electionTimeoutMin, Duration electionTimeoutMax, long snapshotThreshold,
                               Duration tickInterval, int maxBatchLabelSets, int maxWritesInFlight, int watchHistory,
                               boolean standOnLeaderExit) {

        public static final RaftSettings DEFAULT = new RaftSettings(Duration.ofMillis(300), Duration.ofMillis(600),
                10_000, Duration.ofSeconds(1), 4_096, 2, 100_000, true);

        public RaftSettings {
            if (electionTimeoutMin == null || electionTimeoutMin.toMillis() < 50) {
                throw new IllegalArgumentException("raft.electionTimeoutMin: must be at least 50ms, was " + electionTimeoutMin);
            }
            if (electionTimeoutMax == null || electionTimeoutMax.compareTo(electionTimeoutMin) <= 0) {
                throw new IllegalArgumentException("raft.electionTimeoutMax: must exceed electionTimeoutMin, was " + electionTimeoutMax);
            }
            if (snapshotThreshold < 1) {
                throw new IllegalArgumentException("raft.snapshotThreshold: must be positive, was " + snapshotThreshold);
            }
            if (tickInterval == null || tickInterval.toMillis() < 10) {
                throw new IllegalArgumentException("raft.tickInterval: must be at least 10ms, was " + tickInterval);
            }
            // Ticks spaced near the stall gap would look like commit stalls and renew every lease forever.
            if (tickInterval.multipliedBy(2).compareTo(AllocationPolicy.LEASE_STALL_GAP) > 0) {
                throw new IllegalArgumentException("raft.tickInterval: must be at most half the lease stall gap ("
                        + AllocationPolicy.LEASE_STALL_GAP.dividedBy(2).toMillis() + "ms), was " + tickInterval);
            }
            if (maxBatchLabelSets < 1000) {
                throw new IllegalArgumentException("raft.maxBatchLabelSets: must be at least 1000 (one full request), was " + maxBatchLabelSets);
            }
            if (maxWritesInFlight < 1 || watchHistory < 1) {
                throw new IllegalArgumentException("raft.maxWritesInFlight and raft.watchHistory: must be positive");
            }
        }

        /** These settings with another randomized election timeout range (validated as in the constructor). */
        public RaftSettings withElectionTimeout(Duration min, Duration max) {
            return new RaftSettings(min, max, snapshotThreshold, tickInterval, maxBatchLabelSets, maxWritesInFlight,
                    watchHistory, standOnLeaderExit);
        }

        /** These settings with automatic snapshots every {@code entries} log entries and a Tick every {@code tick}. */
        public RaftSettings withSnapshotsAndTicks(long entries, Duration tick) {
            return new RaftSettings(electionTimeoutMin, electionTimeoutMax, entries, tick, maxBatchLabelSets,
                    maxWritesInFlight, watchHistory, standOnLeaderExit);
        }

        /** These settings with the early election on a leader's exit turned on or off. */
        public RaftSettings withStandOnLeaderExit(boolean on) {
            return new RaftSettings(electionTimeoutMin, electionTimeoutMax, snapshotThreshold, tickInterval,
                    maxBatchLabelSets, maxWritesInFlight, watchHistory, on);
        }
    }

    public IdentityAllocatorConfig {
        if (peers == null || peers.isEmpty()) {
            throw new IllegalArgumentException("peers: at least one replica is required");
        }
        peers = List.copyOf(peers);
        Set<String> ids = new HashSet<>();
        Set<String> addresses = new HashSet<>();
        for (Peer p : peers) {
            if (!ids.add(p.id())) {
                throw new IllegalArgumentException("peers: id " + p.id() + " appears twice");
            }
            if (!addresses.add(p.host() + ":" + p.port()) || !addresses.add(p.host() + ":" + p.raftPort())) {
                throw new IllegalArgumentException("peers: " + p + " overlaps another peer's gRPC or Raft port (each takes port and port+1)");
            }
        }
        if (!join && !ids.contains(id)) {
            throw new IllegalArgumentException("id: " + id + " is not one of the peers " + peers);
        }
        if (dataDir == null) {
            throw new IllegalArgumentException("dataDir: required");
        }
        if (policy == null || filter == null || raft == null) {
            throw new IllegalArgumentException("policy, filter and raft: required");
        }
        if (metricsPort < -1 || metricsPort > 65535) {
            throw new IllegalArgumentException("metricsPort: " + metricsPort + " is outside -1..65535");
        }
    }

    /** A replica with default policy for {@code clusterId}, default filter and Ratis settings, metrics off. */
    public static IdentityAllocatorConfig of(String id, List<Peer> peers, Path dataDir, int clusterId) {
        return new IdentityAllocatorConfig(id, peers, dataDir, AllocationPolicy.defaults(clusterId),
                SecurityLabelFilter.defaults(), RaftSettings.DEFAULT, 0, false);
    }

    /** This replica's peer entry (for a joining replica, the entry with its id must still be in peers). */
    public Peer self() {
        return peers.stream().filter(p -> p.id().equals(id)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("id: " + id + " is not one of the peers " + peers));
    }

    public IdentityAllocatorConfig withPolicy(AllocationPolicy p) {
        return new IdentityAllocatorConfig(id, peers, dataDir, p, filter, raft, metricsPort, join);
    }

    public IdentityAllocatorConfig withRaft(RaftSettings r) {
        return new IdentityAllocatorConfig(id, peers, dataDir, policy, filter, r, metricsPort, join);
    }

    public IdentityAllocatorConfig withMetricsPort(int port) {
        return new IdentityAllocatorConfig(id, peers, dataDir, policy, filter, raft, port, join);
    }

    /**
     * Configs for an {@code n}-replica cluster on 127.0.0.1 with free ports (each replica takes a gRPC
     * port P and Raft port P+1), replica {@code i} named {@code n<i+1>} with data in {@code dataRoot/n<i+1>}.
     */
    public static List<IdentityAllocatorConfig> loopbackCluster(int n, Path dataRoot, int clusterId) throws IOException {
        List<Peer> peers = new ArrayList<>();
        Set<Integer> taken = new HashSet<>();
        while (peers.size() < n) {
            int port = freePortPair();
            if (taken.add(port) && taken.add(port + 1) && !taken.contains(port - 1) && !taken.contains(port + 2)) {
                peers.add(new Peer("n" + (peers.size() + 1), "127.0.0.1", port));
            }
        }
        List<IdentityAllocatorConfig> out = new ArrayList<>();
        for (Peer p : peers) {
            out.add(of(p.id(), peers, dataRoot.resolve(p.id()), clusterId));
        }
        return out;
    }

    /** A port P such that P and P+1 are both free on loopback right now. */
    public static int freePortPair() throws IOException {
        InetAddress loopback = InetAddress.getLoopbackAddress();
        for (int attempt = 0; attempt < 100; attempt++) {
            try (ServerSocket a = new ServerSocket(0, 1, loopback)) {
                int p = a.getLocalPort();
                if (p >= 65534) {
                    continue;
                }
                try (ServerSocket b = new ServerSocket(p + 1, 1, loopback)) {
                    return b.getLocalPort() - 1;
                } catch (IOException taken) {
                    // try another
                }
            }
        }
        throw new IOException("no free pair of adjacent loopback ports found");
    }
}
