package dev.bulwark.policy.distribution.state;

import dev.bulwark.model.policy.MapState;
import java.util.List;
import java.util.Objects;

/**
 * One endpoint (a pod on a node) as its agent holds it: identity, addresses and compiled map state.
 * Immutable; the digest term is computed once because unchanged endpoints are shared between snapshots.
 *
 * @param name "namespace/pod"
 */
public record EndpointState(String name, int identity, List<String> ips, MapState mapState, long digest) {

    public EndpointState {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("endpoint name is required");
        }
        ips = List.copyOf(ips);
        Objects.requireNonNull(mapState, "mapState");
    }

    public static EndpointState of(String name, int identity, List<String> ips, MapState mapState) {
        long digest = headerDigest(name, identity, ips);
        for (var e : mapState.entries().entrySet()) {
            digest += StateDigest.mapEntryTerm(name, e.getKey(), e.getValue());
        }
        return new EndpointState(name, identity, ips, mapState, digest);
    }

    static long headerDigest(String name, int identity, List<String> ips) {
        return StateDigest.endpointHeaderTerm(name, identity, ips);
    }

    /** Same identity and addresses (the endpoint header of the wire format). */
    public boolean sameHeader(EndpointState other) {
        return identity == other.identity && ips.equals(other.ips);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof EndpointState e && e.name.equals(name) && e.identity == identity
                && e.ips.equals(ips) && e.mapState.equals(mapState);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, identity, ips, mapState);
    }
}
