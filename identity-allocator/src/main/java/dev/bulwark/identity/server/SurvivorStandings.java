package dev.bulwark.identity.server;

import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.client.RaftClientConfigKeys;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.proto.RaftProtos.LogInfoProto;
import org.apache.ratis.proto.RaftProtos.RaftPeerRole;
import org.apache.ratis.proto.RaftProtos.RoleInfoProto;
import org.apache.ratis.protocol.GroupInfoReply;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.retry.RetryPolicies;
import org.apache.ratis.server.protocol.TermIndex;
import org.apache.ratis.util.TimeDuration;

/**
 * Asks other replicas for their {@link Standing}: the last entry of their Raft log and whether they have
 * been in their role for {@link LeaderExitWatch#WARM} (Ratis group info over their Raft ports), all at
 * once, bounded by {@code timeout}; a replica that does not answer in time is left out. Used by
 * {@link LeaderExitWatch} to choose which survivor stands. One Ratis client is kept for the current
 * member list and replaced when it changes. Called from one thread at a time.
 */
final class SurvivorStandings implements AutoCloseable {

    /**
     * A survivor's claim to stand: its last log entry, whether it has been in its role for a while (not
     * a cold, just restarted JVM), and whether it already stands (candidate or leader).
     */
    record Standing(TermIndex last, boolean warm, boolean stands) {

        /** The standing of a replica with this last entry and this role, by one rule for ourselves and others. */
        static Standing of(TermIndex last, RoleInfoProto role) {
            return new Standing(last, role.getRoleElapsedTimeMs() >= LeaderExitWatch.WARM.toMillis(),
                    role.getRole() == RaftPeerRole.CANDIDATE || role.getRole() == RaftPeerRole.LEADER);
        }

        @Override
        public String toString() {
            return last + (warm ? "" : " cold") + (stands ? " standing" : "");
        }
    }

    private final RaftGroupId groupId;
    private final Duration timeout;
    private final ExecutorService queries = Executors.newVirtualThreadPerTaskExecutor();
    private Set<RaftPeer> clientPeers;
    private RaftClient client;

    SurvivorStandings(RaftGroupId groupId, Duration timeout) {
        this.groupId = groupId;
        this.timeout = timeout;
    }

    /** The standing of each of {@code ask} (members of {@code members}) that answered in time. */
    Map<RaftPeerId, Standing> standings(List<RaftPeer> members, List<RaftPeerId> ask) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Map<RaftPeerId, Standing> answers = new HashMap<>();
        ask(clientFor(members), ask, deadline, answers);
        List<RaftPeerId> missing = ask.stream().filter(p -> !answers.containsKey(p)).toList();
        if (!missing.isEmpty() && System.nanoTime() < deadline) {
            // A failure this early is a replica restarted since our client last reached it: gRPC keeps
            // failing calls to it at once while it backs off reconnecting. A new client connects now.
            closeClient();
            ask(clientFor(members), missing, deadline, answers);
        }
        return answers;
    }

    private void ask(RaftClient c, List<RaftPeerId> peers, long deadline, Map<RaftPeerId, Standing> answers) {
        Map<RaftPeerId, Future<GroupInfoReply>> asked = new HashMap<>();
        for (RaftPeerId p : peers) {
            asked.put(p, queries.submit(() -> c.getGroupManagementApi(p).info(groupId)));
        }
        for (Map.Entry<RaftPeerId, Future<GroupInfoReply>> e : asked.entrySet()) {
            try {
                GroupInfoReply reply = e.getValue().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                LogInfoProto log = reply.getLogInfoProto();
                if (reply.isSuccess() && log != null && log.hasLastEntry()) {
                    answers.put(e.getKey(), Standing.of(TermIndex.valueOf(log.getLastEntry()), reply.getRoleInfoProto()));
                }
            } catch (ExecutionException | TimeoutException ex) {
                e.getValue().cancel(true); // no answer (yet): the caller decides without this replica
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /**
     * Sets up the client for {@code members} and asks each of {@code ask} once, in the background, so that the
     * connections exist before a leader's exit needs an answer in a hurry (the first call on a new
     * client costs channel set-up and class loading: 100+ ms on a busy machine).
     */
    void prepare(List<RaftPeer> members, List<RaftPeerId> ask) {
        RaftClient c = clientFor(members);
        for (RaftPeerId p : ask) {
            queries.submit(() -> c.getGroupManagementApi(p).info(groupId));
        }
    }

    private RaftClient clientFor(List<RaftPeer> peers) {
        if (client == null || !Set.copyOf(peers).equals(clientPeers)) {
            closeClient();
            RaftProperties properties = RaftSetup.clientProperties();
            RaftClientConfigKeys.Rpc.setRequestTimeout(properties,
                    TimeDuration.valueOf(timeout.toMillis(), TimeUnit.MILLISECONDS));
            client = RaftClient.newBuilder()
                    .setProperties(properties)
                    .setRaftGroup(RaftGroup.valueOf(groupId, peers))
                    .setRetryPolicy(RetryPolicies.noRetry())
                    .build();
            clientPeers = Set.copyOf(peers);
        }
        return client;
    }

    private void closeClient() {
        if (client != null) {
            try {
                client.close();
            } catch (IOException ignored) {
                // a new client replaces it either way
            }
            client = null;
        }
    }

    @Override
    public void close() {
        closeClient();
        queries.shutdownNow();
    }
}
