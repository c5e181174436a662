package dev.bulwark.identity.server;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import org.apache.ratis.RaftConfigKeys;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.grpc.GrpcConfigKeys;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.rpc.SupportedRpcType;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.apache.ratis.util.SizeInBytes;
import org.apache.ratis.util.TimeDuration;

/**
 * The Ratis settings we choose instead of Ratis's defaults, in one place (docs/identity.md explains
 * each): gRPC transport (with {@link GrpcWithSnapshotFallback}'s log appender); LINEARIZABLE reads with the leader lease enabled explicitly (the 3.2.2 code
 * default is off); automatic snapshots every {@code snapshotThreshold} entries with the log purged up to
 * the snapshot; small log segments so purging can actually drop closed segments; no per-commit metadata
 * entries (they doubled the log writes of every allocation); the retry cache expiry
 * stated (clients stop retrying well before it); per-replica storage (never the /tmp default).
 */
public final class RaftSetup {

    /** Retry-cache expiry; {@code IdentityClient}'s total retry time stays below it. */
    public static final java.time.Duration RETRY_CACHE_EXPIRY = java.time.Duration.ofSeconds(60);

    /**
     * How long the leader waits before sending to a follower again after a failed append (Ratis's
     * multiple-linear-random retry: pairs of mean wait and count, each wait drawn from 0.5-1.5 times the
     * mean). Ratis's default {@code 1ms,10, 1s,20, 5s,1000} waits up to 7.5 s between attempts once a
     * follower has been down for a few seconds, so a restarted replica heard nothing for seconds after it
     * was up and was no working voter when the next leader died (chaos runs); after 1,030 errors it stops
     * waiting altogether and spins. Here: about 100 ms for the first seconds, then about 250 ms for good.
     */
    static final String APPENDER_RETRY_POLICY = "1ms,10, 100ms,100, 250ms,2000000000";

    /** Bytes of zeros Ratis writes ahead of the log at a time (its default is 4 MB). */
    static final String PREALLOCATION = "128KB";

    private RaftSetup() {
    }

    /** The group id of a cluster's allocator: derived from the cluster id so every replica agrees. */
    public static RaftGroupId groupId(int clusterId) {
        return RaftGroupId.valueOf(UUID.nameUUIDFromBytes(
                ("bulwark-identity-allocator/cluster-" + clusterId).getBytes(StandardCharsets.UTF_8)));
    }

    public static RaftPeer raftPeer(Peer p) {
        return RaftPeer.newBuilder().setId(RaftPeerId.valueOf(p.id())).setAddress(p.raftAddress()).build();
    }

    public static RaftGroup group(int clusterId, List<Peer> peers) {
        return RaftGroup.valueOf(groupId(clusterId), peers.stream().map(RaftSetup::raftPeer).toList());
    }

    /** Properties for a client talking to the Raft ports (membership changes). */
    public static RaftProperties clientProperties() {
        RaftProperties p = new RaftProperties();
        RaftConfigKeys.Rpc.setType(p, SupportedRpcType.GRPC);
        return p;
    }

    static RaftProperties serverProperties(IdentityAllocatorConfig config) {
        IdentityAllocatorConfig.RaftSettings s = config.raft();
        Peer self = config.self();
        RaftProperties p = new RaftProperties();
        // gRPC, with a leader that sends a snapshot to a follower whose previous entry it purged (Ratis
        // 3.2.2 stopped sending to that follower instead; GrpcWithSnapshotFallback).
        RaftConfigKeys.Rpc.setType(p, new GrpcWithSnapshotFallback());
        GrpcConfigKeys.Server.setHost(p, self.host());
        GrpcConfigKeys.Server.setPort(p, self.raftPort());
        RaftServerConfigKeys.setStorageDir(p, List.of(config.dataDir().toFile()));
        RaftServerConfigKeys.Rpc.setTimeoutMin(p, millis(s.electionTimeoutMin().toMillis()));
        RaftServerConfigKeys.Rpc.setTimeoutMax(p, millis(s.electionTimeoutMax().toMillis()));
        RaftServerConfigKeys.Rpc.setRequestTimeout(p, millis(3_000));
        // One Ratis key, two uses. (1) A leader that hears from no majority for the maximum election
        // timeout steps down (LOST_MAJORITY_HEARTBEATS) and then refuses to stand for this long: 10 s by
        // default. A new leader on a busy machine can step down so before its log appenders have started;
        // its log then ends with its own new-term entry, so it rejects every other candidate's pre-vote,
        // and with the old leader dead no one could win for 10 s (10-12 s write stalls after leader kills,
        // docs/chaos.md). Pre-vote already keeps a partitioned ex-leader from disrupting anyone. (2) A leader
        // whose JVM stalled longer than this steps down (JVM_PAUSE). Below the maximum election timeout that
        // would depose leaders the followers never missed (a 150 ms value did, many times a minute at load
        // 20); above it the followers have started an election anyway. Hence the maximum election timeout.
        RaftServerConfigKeys.LeaderElection.setLeaderStepDownWaitTime(p, millis(s.electionTimeoutMax().toMillis()));
        RaftServerConfigKeys.Log.Appender.setRetryPolicy(p, APPENDER_RETRY_POLICY);
        RaftServerConfigKeys.Read.setOption(p, RaftServerConfigKeys.Read.Option.LINEARIZABLE);
        RaftServerConfigKeys.Read.setLeaderLeaseEnabled(p, true);
        RaftServerConfigKeys.Read.setLeaderLeaseTimeoutRatio(p, 0.9);
        RaftServerConfigKeys.Read.setTimeout(p, millis(5_000));
        RaftServerConfigKeys.Snapshot.setAutoTriggerEnabled(p, true);
        RaftServerConfigKeys.Snapshot.setAutoTriggerThreshold(p, s.snapshotThreshold());
        RaftServerConfigKeys.Snapshot.setCreationGap(p, Math.min(1024, s.snapshotThreshold()));
        RaftServerConfigKeys.Snapshot.setRetentionFileNum(p, 2);
        // Purge after a snapshot only up to the lowest commit index of all peers, so a replica that was
        // down can always catch up from the leader's log. Purging up to the snapshot made the leader send
        // snapshots, and in Ratis 3.2.2 a follower needing exactly the leader's first remaining index
        // kills the leader's log appender to it ("Previous TermIndex not found"): that replica never
        // caught up (chaos runs, docs/chaos.md). The log grows only while a member is down. That alone
        // still left the log starting exactly where a restarted ex-leader needed it (RestartAtLogStartIT),
        // which GrpcWithSnapshotFallback answers with a snapshot.
        RaftServerConfigKeys.Log.setPurgeUptoSnapshotIndex(p, false);
        RaftServerConfigKeys.Log.setPurgeGap(p, (int) Math.min(1024, s.snapshotThreshold()));
        RaftServerConfigKeys.Log.setSegmentSizeMax(p, SizeInBytes.valueOf("4MB"));
        // Ratis fills each new segment with 4 MB of zeros (the default preallocation) and forces it before
        // the segment takes its first entry. Every leader change starts a segment on every replica, so a
        // new leader's first entry waited 60-280 ms for that write at load (chaos runs, docs/chaos.md);
        // small chunks keep the preallocation and spread it over the writes that need it.
        RaftServerConfigKeys.Log.setPreallocatedSize(p, SizeInBytes.valueOf(PREALLOCATION));
        // On by default: after every commit the leader appends and replicates a METADATAENTRY with the
        // commit index, so each write costs two log entries, two fsyncs per replica and two appends to
        // each follower (measured: 1,835 entries for 900 sequential allocations; p50 10.7 -> 6.8 ms
        // without). Raft does not need it: a restarted replica learns the commit index from the leader.
        RaftServerConfigKeys.Log.setLogMetadataEnabled(p, false);
        RaftServerConfigKeys.RetryCache.setExpiryTime(p, millis(RETRY_CACHE_EXPIRY.toMillis()));
        return p;
    }

    private static TimeDuration millis(long ms) {
        return TimeDuration.valueOf(ms, java.util.concurrent.TimeUnit.MILLISECONDS);
    }
}
