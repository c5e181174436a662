package dev.bulwark.identity.server;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.retry.RetryPolicies;
import org.apache.ratis.util.TimeDuration;

/**
 * Adds or removes a replica with Raft's joint-consensus configuration change ({@code setConfiguration}),
 * talking to the current members' Raft ports. A replica being added must already run with
 * {@code join = true} (an empty group; a full peer list could make it start an election of its own).
 * A removed replica stops taking part; stop its process afterwards.
 */
public final class Membership {

    private Membership() {
    }

    /** Adds {@code added} to the group made of {@code current}; returns the new member list. */
    public static List<Peer> add(int clusterId, List<Peer> current, Peer added) throws IOException {
        if (current.stream().anyMatch(p -> p.id().equals(added.id()))) {
            throw new IllegalArgumentException("peer " + added.id() + " is already a member");
        }
        List<Peer> next = new ArrayList<>(current);
        next.add(added);
        change(clusterId, current, next);
        return List.copyOf(next);
    }

    /** Removes the member {@code id}; returns the new member list. */
    public static List<Peer> remove(int clusterId, List<Peer> current, String id) throws IOException {
        List<Peer> next = current.stream().filter(p -> !p.id().equals(id)).toList();
        if (next.size() == current.size()) {
            throw new IllegalArgumentException("peer " + id + " is not a member of " + current);
        }
        if (next.isEmpty()) {
            throw new IllegalArgumentException("cannot remove the last member");
        }
        change(clusterId, current, next);
        return next;
    }

    private static void change(int clusterId, List<Peer> current, List<Peer> next) throws IOException {
        try (RaftClient client = RaftClient.newBuilder()
                .setProperties(RaftSetup.clientProperties())
                .setRaftGroup(RaftSetup.group(clusterId, current))
                .setRetryPolicy(RetryPolicies.retryUpToMaximumCountWithFixedSleep(50,
                        TimeDuration.valueOf(200, TimeUnit.MILLISECONDS)))
                .build()) {
            RaftClientReply reply = client.admin().setConfiguration(next.stream().map(RaftSetup::raftPeer).toList());
            if (!reply.isSuccess()) {
                throw new IOException("configuration change refused: " + reply.getException());
            }
        }
    }
}
