package dev.bulwark.identity.server;

import dev.bulwark.identity.raft.IdentityStateMachine;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.apache.ratis.proto.RaftProtos.CommitInfoProto;
import org.apache.ratis.proto.RaftProtos.RoleInfoProto;
import org.apache.ratis.proto.RaftProtos.ServerRpcProto;
import org.apache.ratis.server.DivisionInfo;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.raftlog.RaftLog;
import org.apache.ratis.statemachine.SnapshotInfo;

/**
 * What one replica's Raft server says about itself, for diagnostics: written for the failure message of
 * ITs where a replica does not catch up (SnapshotInstallIT once failed in CI with nothing to say why).
 * The fields are read one after another from a running server, so they need not be one consistent
 * moment.
 *
 * @param role         LEADER, FOLLOWER, CANDIDATE (or the server's life-cycle state when not running)
 * @param leader       the leader this replica knows of, empty if none
 * @param msInRole     how long it has had this role
 * @param logStart     the first index its log still holds (entries before it were purged)
 * @param logNext      the index its next entry would get
 * @param snapshot     the index of its latest snapshot, -1 if none
 * @param commits      what it knows of each member's commit index (a leader purges only up to the lowest)
 * @param followers    leader only: for each follower the next index to send, the last index it holds, and
 *                     the ms since its last reply
 * @param leaderRpcMs  follower only: ms since it last heard from the leader
 * @param loads        the snapshots its state machine loaded at start and from leader installs
 */
public record RaftStatus(String id, String role, long term, String leader, long msInRole, long logStart,
                         long logNext, long commitIndex, long appliedIndex, long snapshot, long tableRevision,
                         String stateMachine, Map<String, Long> commits, List<Follower> followers,
                         long leaderRpcMs, IdentityStateMachine.SnapshotLoads loads) {

    /** The leader's view of one follower. */
    public record Follower(String id, long nextIndex, long matchIndex, long msSinceReply) {
        @Override
        public String toString() {
            return id + " next " + nextIndex + " match " + matchIndex + " reply " + msSinceReply + " ms ago";
        }
    }

    static RaftStatus of(RaftServer.Division d, IdentityStateMachine sm) {
        DivisionInfo info = d.getInfo();
        RoleInfoProto role = info.getRoleInfoProto();
        RaftLog log = d.getRaftLog();
        SnapshotInfo latest = sm.getLatestSnapshot();
        Map<String, Long> commits = new TreeMap<>();
        for (CommitInfoProto c : d.getCommitInfos()) {
            commits.put(c.getServer().getId().toStringUtf8(), c.getCommitIndex());
        }
        List<Follower> followers = List.of();
        if (role.hasLeaderInfo()) {
            // Ratis lists the indices and the reply times in the order of its log appenders.
            List<ServerRpcProto> rpcs = role.getLeaderInfo().getFollowerInfoList();
            // Null if it stopped being leader since getRoleInfoProto().
            long[] next = Objects.requireNonNullElse(info.getFollowerNextIndices(), new long[0]);
            long[] match = Objects.requireNonNullElse(info.getFollowerMatchIndices(), new long[0]);
            int n = Math.min(rpcs.size(), Math.min(next.length, match.length));
            Follower[] fs = new Follower[n];
            for (int i = 0; i < n; i++) {
                fs[i] = new Follower(rpcs.get(i).getId().getId().toStringUtf8(), next[i], match[i],
                        rpcs.get(i).getLastRpcElapsedTimeMs());
            }
            followers = List.of(fs);
        }
        long leaderRpcMs = role.hasFollowerInfo() ? role.getFollowerInfo().getLeaderInfo().getLastRpcElapsedTimeMs() : -1;
        return new RaftStatus(d.getId().toString(), info.isAlive() ? info.getCurrentRole().name()
                : info.getLifeCycleState().name(), info.getCurrentTerm(),
                info.getLeaderId() == null ? "" : info.getLeaderId().toString(), role.getRoleElapsedTimeMs(),
                log.getStartIndex(), log.getNextIndex(), log.getLastCommittedIndex(), info.getLastAppliedIndex(),
                latest == null ? -1 : latest.getIndex(), sm.table().revision(), sm.getLifeCycleState().name(),
                commits, followers, leaderRpcMs, sm.snapshotLoads());
    }

    @Override
    public String toString() {
        return id + ": " + role + " term " + term + " (" + msInRole + " ms) leader " + (leader.isEmpty() ? "-" : leader)
                + (leaderRpcMs >= 0 ? " heard " + leaderRpcMs + " ms ago" : "")
                + "; log " + (logNext <= Math.max(logStart, 0) ? "empty" : logStart + ".." + (logNext - 1)) + " commit " + commitIndex + " applied " + appliedIndex
                + " snapshot " + snapshot + "; table revision " + tableRevision + "; state machine " + stateMachine
                + " (" + loads + "); commits known " + commits
                + (followers.isEmpty() ? "" : "; followers " + followers);
    }
}
