package dev.bulwark.identity.server;

import org.apache.ratis.conf.Parameters;
import org.apache.ratis.grpc.GrpcFactory;
import org.apache.ratis.grpc.server.GrpcLogAppender;
import org.apache.ratis.rpc.RpcFactory;
import org.apache.ratis.rpc.RpcType;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.leader.FollowerInfo;
import org.apache.ratis.server.leader.LeaderState;
import org.apache.ratis.server.leader.LogAppender;
import org.apache.ratis.server.raftlog.RaftLog;
import org.apache.ratis.statemachine.SnapshotInfo;

/**
 * Ratis's gRPC transport with one change in the leader's log appender: a follower whose next entry is
 * exactly the first one left in the leader's log, while the entry before it is gone (purged, and not the
 * leader's snapshot index), is sent the leader's snapshot. Ratis 3.2.2 sends a snapshot only when the
 * follower needs an entry before the log's start; in this case it tried to build an append without
 * the previous entry, failed ({@code NullPointerException: Previous TermIndex not found}), and that
 * follower's appender stopped for good: the follower never caught up until the next leader change.
 * It happens after a leader stops with all its entries committed: the next leader's log has a segment
 * ending exactly at that commit index, and the purge up to the lowest commit index of all peers
 * (RaftSetup) removes that segment (RestartAtLogStartIT). Apache Ratis fixed it after 3.2.2
 * (RATIS-2487, not released when this was written) with the same condition in
 * {@code LogAppender.shouldInstallSnapshot}; remove this class with the Ratis upgrade that has it.
 *
 * <p>Selected by class name through {@code raft.rpc.type} (Ratis instantiates it with the no-argument
 * constructor); it reports itself as GRPC everywhere else.
 */
public final class GrpcWithSnapshotFallback implements RpcType {

    @Override
    public String name() {
        return GrpcWithSnapshotFallback.class.getName();
    }

    @Override
    public RpcFactory newFactory(Parameters parameters) {
        return new Factory(parameters);
    }

    /** The gRPC factory whose leader-side log appenders are {@link Appender}s. */
    static final class Factory extends GrpcFactory {
        Factory(Parameters parameters) {
            super(parameters);
        }

        @Override
        public LogAppender newLogAppender(RaftServer.Division server, LeaderState state, FollowerInfo f) {
            return new Appender(server, state, f);
        }
    }

    /** Ratis's gRPC log appender, sending a snapshot also when the follower's previous entry is gone. */
    static final class Appender extends GrpcLogAppender {
        Appender(RaftServer.Division server, LeaderState state, FollowerInfo f) {
            super(server, state, f);
        }

        @Override
        public SnapshotInfo shouldInstallSnapshot() {
            SnapshotInfo ratisChoice = super.shouldInstallSnapshot();
            if (ratisChoice != null) {
                return ratisChoice;
            }
            SnapshotInfo latest = getServer().getStateMachine().getLatestSnapshot();
            return previousIsGone(getRaftLog(), getFollower(), latest) ? latest : null;
        }

        /**
         * True when an append to {@code follower} would need an entry the leader no longer has: the same
         * test as Ratis's {@code LogAppenderBase.assertProtos} (the previous entry is neither in the log
         * nor the snapshot's, and the follower did not just install a snapshot ending there), for a
         * follower that Ratis's own check sends entries to. A snapshot past that entry replaces them.
         */
        static boolean previousIsGone(RaftLog log, FollowerInfo follower, SnapshotInfo latest) {
            long next = follower.getNextIndex();
            if (next <= RaftLog.LEAST_VALID_LOG_INDEX || next >= log.getNextIndex() || next != log.getStartIndex()
                    || next == follower.getSnapshotIndex() + 1 || log.getTermIndex(next - 1) != null) {
                return false;
            }
            return latest != null && latest.getIndex() >= next;
        }
    }
}
