package dev.bulwark.agent.auth;

import dev.bulwark.agent.sync.NodePolicyState;
import dev.bulwark.model.Cidr;
import dev.bulwark.model.policy.PolicyEntry;
import dev.bulwark.model.policy.PolicyKey;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which identity pairs this node's policy state makes authentication-dependent: every allow entry that
 * requires authentication, of every endpoint here, gives the pair (endpoint identity, entry's peer
 * identity); an entry for any peer (identity 0) names the endpoint's identity with every peer. Pure and
 * immutable.
 *
 * @param pairs   (local, remote) pairs named by an auth-required allow
 * @param anyPeer local identities with an auth-required allow for any peer
 */
public record AuthDemand(Set<Pair> pairs, Set<Integer> anyPeer) {

    public static final AuthDemand NONE = new AuthDemand(Set.of(), Set.of());

    public AuthDemand {
        pairs = Set.copyOf(pairs);
        anyPeer = Set.copyOf(anyPeer);
    }

    /** An identity pair: {@code local} is an endpoint's on this node, {@code remote} its peer's. */
    public record Pair(int local, int remote) implements Comparable<Pair> {
        @Override
        public int compareTo(Pair o) {
            int c = Integer.compareUnsigned(local, o.local);
            return c != 0 ? c : Integer.compareUnsigned(remote, o.remote);
        }
    }

    /** A handshake to run before the first packet: {@code pair} with the agent of {@code node}. */
    public record Target(Pair pair, String node) implements Comparable<Target> {
        @Override
        public int compareTo(Target o) {
            int c = pair.compareTo(o.pair);
            return c != 0 ? c : node.compareTo(o.node);
        }
    }

    public static AuthDemand of(NodePolicyState state) {
        Set<Pair> pairs = new TreeSet<>();
        Set<Integer> any = new TreeSet<>();
        for (NodePolicyState.EndpointPolicy ep : state.endpoints().values()) {
            if (ep.identity() == 0) {
                continue;
            }
            for (Map.Entry<PolicyKey, PolicyEntry> e : ep.state().entries().entrySet()) {
                if (e.getValue().deny() || !e.getValue().authRequired()) {
                    continue;
                }
                if (e.getKey().remoteIdentity() == 0) {
                    any.add(ep.identity());
                } else {
                    pairs.add(new Pair(ep.identity(), e.getKey().remoteIdentity()));
                }
            }
        }
        return new AuthDemand(pairs, any);
    }

    /** True when a flow of local identity {@code local} with {@code remote} may need this pair's entry. */
    public boolean expects(int local, int remote) {
        return pairs.contains(new Pair(local, remote)) || anyPeer.contains(local);
    }

    /**
     * The handshakes that pre-authenticate the demand: one per pair and node that hosts an address of the
     * remote identity (from the ipcache's node names; CIDR and world prefixes have none). A local identity
     * with an any-peer entry is paired with every identity some node hosts: that is what its policy
     * allows, so each of them may be its first packet's peer (one handshake per identity and node, renewed
     * only near expiry).
     */
    public Set<Target> targets(NodePolicyState state) {
        Map<Integer, Set<String>> nodesOf = new java.util.HashMap<>();
        for (Map.Entry<Cidr, Integer> e : state.ipcache().entrySet()) {
            String node = state.ipcacheNodes().getOrDefault(e.getKey(), "");
            if (!node.isEmpty()) {
                nodesOf.computeIfAbsent(e.getValue(), i -> new TreeSet<>()).add(node);
            }
        }
        Set<Pair> all = new TreeSet<>(pairs);
        for (int local : anyPeer) {
            for (int remote : nodesOf.keySet()) {
                all.add(new Pair(local, remote));
            }
        }
        Set<Target> out = new TreeSet<>();
        for (Pair p : all) {
            for (String node : nodesOf.getOrDefault(p.remote(), Set.of())) {
                out.add(new Target(p, node));
            }
        }
        return out;
    }
}
