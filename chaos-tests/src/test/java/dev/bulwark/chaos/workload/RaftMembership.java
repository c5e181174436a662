package dev.bulwark.chaos.workload;

import dev.bulwark.chaos.nemesis.Membership;
import dev.bulwark.identity.server.Peer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Membership changes for the privileged runs through the store's public {@code Membership} API (what
 * {@code bulwark allocator members add|remove} calls), from the harness's namespace over the bridge.
 */
final class RaftMembership implements Membership {

    private static final int CLUSTER_ID = 1;
    private final Map<String, String> all;
    private List<Peer> members;

    RaftMembership(Map<String, String> addresses) {
        this.all = Map.copyOf(addresses);
        List<Peer> peers = new ArrayList<>();
        addresses.forEach((node, address) -> peers.add(Peer.parse(node + "=" + address)));
        this.members = List.copyOf(peers);
    }

    @Override
    public void remove(String node) {
        try {
            members = dev.bulwark.identity.server.Membership.remove(CLUSTER_ID, members, node);
        } catch (IOException e) {
            throw new UncheckedIOException("remove " + node, e);
        }
    }

    @Override
    public void add(String node) {
        try {
            members = dev.bulwark.identity.server.Membership.add(CLUSTER_ID, members,
                    Peer.parse(node + "=" + all.get(node)));
        } catch (IOException e) {
            throw new UncheckedIOException("add " + node, e);
        }
    }
}
