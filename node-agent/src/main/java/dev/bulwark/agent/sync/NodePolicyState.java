package dev.bulwark.agent.sync;

import dev.bulwark.model.Cidr;
import dev.bulwark.model.policy.Direction;
import dev.bulwark.model.policy.MapState;
import dev.bulwark.model.policy.PolicyEntry;
import dev.bulwark.model.policy.PolicyKey;
import dev.bulwark.proto.policy.v1.EndpointDelta;
import dev.bulwark.proto.policy.v1.IpcacheEntry;
import dev.bulwark.proto.policy.v1.MapEntry;
import dev.bulwark.proto.policy.v1.MapKey;
import dev.bulwark.proto.policy.v1.MapValue;
import dev.bulwark.proto.policy.v1.PolicyDelta;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The policy state an agent holds at a version: the ipcache and each endpoint's map state. Immutable;
 * {@link #apply} is pure and validates a whole delta before producing the next state, so a bad delta
 * changes nothing (the NACK case of the stream contract).
 */
public record NodePolicyState(long version, Map<Cidr, Integer> ipcache, Map<Cidr, String> ipcacheNodes,
                              Map<String, EndpointPolicy> endpoints) {

    public static final NodePolicyState EMPTY = new NodePolicyState(0, Map.of(), Map.of(), Map.of());

    /** @param ipcacheNodes the node hosting each ipcache prefix ("" for CIDR/world prefixes), for the digest */
    public NodePolicyState {
        ipcache = Map.copyOf(ipcache);
        ipcacheNodes = Map.copyOf(ipcacheNodes);
        endpoints = Map.copyOf(endpoints);
    }

    /** One endpoint's identity, addresses and map state. */
    public record EndpointPolicy(int identity, List<String> ips, MapState state) {
        public EndpointPolicy {
            ips = List.copyOf(ips);
        }
    }

    /** The result of applying a delta: the next state, or why it was rejected (a google.rpc.Code). */
    public sealed interface Outcome {
        record Applied(NodePolicyState next) implements Outcome {
        }

        record Rejected(int rpcCode, String message) implements Outcome {
        }
    }

    static final int INVALID_ARGUMENT = 3;
    static final int FAILED_PRECONDITION = 9;
    static final int INTERNAL = 13;
    static final int DATA_LOSS = 15;

    public Outcome apply(PolicyDelta d) {
        if (!d.getFullState() && d.getBaseVersion() != version) {
            return new Outcome.Rejected(FAILED_PRECONDITION, "base_version " + d.getBaseVersion()
                    + " is not the held version " + version);
        }
        if (d.getVersion() == 0 || (!d.getFullState() && d.getVersion() <= version)) {
            return new Outcome.Rejected(INVALID_ARGUMENT, "version " + d.getVersion() + " does not advance " + version);
        }
        try {
            return new Outcome.Applied(next(d));
        } catch (IllegalArgumentException e) {
            return new Outcome.Rejected(INVALID_ARGUMENT, e.getMessage());
        }
    }

    private NodePolicyState next(PolicyDelta d) {
        Map<Cidr, Integer> ip = new TreeMap<>(d.getFullState() ? Map.of() : ipcache);
        Map<Cidr, String> nodes = new TreeMap<>(d.getFullState() ? Map.of() : ipcacheNodes);
        for (int i = 0; i < d.getIpcacheDeletesCount(); i++) {
            Cidr c = cidr(d.getIpcacheDeletes(i), "ipcache_deletes[" + i + "]");
            ip.remove(c);
            nodes.remove(c);
        }
        for (int i = 0; i < d.getIpcacheUpsertsCount(); i++) {
            IpcacheEntry e = d.getIpcacheUpserts(i);
            if (e.getIdentity() == 0) {
                throw new IllegalArgumentException("ipcache_upserts[" + i + "].identity: must not be 0");
            }
            Cidr c = cidr(e.getPrefix(), "ipcache_upserts[" + i + "].prefix");
            ip.put(c, e.getIdentity());
            nodes.put(c, e.getNodeName());
        }
        Map<String, EndpointPolicy> eps = new HashMap<>(d.getFullState() ? Map.of() : endpoints);
        for (String name : d.getRemovedEndpointsList()) {
            eps.remove(name);
        }
        for (int i = 0; i < d.getEndpointsCount(); i++) {
            EndpointDelta ed = d.getEndpoints(i);
            String at = "endpoints[" + i + "]";
            if (ed.getName().isEmpty()) {
                throw new IllegalArgumentException(at + ".name: must not be empty");
            }
            EndpointPolicy old = eps.get(ed.getName());
            MapState.Builder b = MapState.builder();
            if (old != null && !ed.getReplace()) {
                old.state().entries().forEach(b::put);
            }
            for (int j = 0; j < ed.getRemovesCount(); j++) {
                b.remove(key(ed.getRemoves(j), at + ".removes[" + j + "]"));
            }
            for (int j = 0; j < ed.getAddsCount(); j++) {
                MapEntry me = ed.getAdds(j);
                b.put(key(me.getKey(), at + ".adds[" + j + "].key"), value(me.getValue(), at + ".adds[" + j + "].value"));
            }
            eps.put(ed.getName(), new EndpointPolicy(ed.getIdentity(), ed.getIpsList(), b.build()));
        }
        return new NodePolicyState(d.getVersion(), ip, nodes, eps);
    }

    /**
     * The StateDigest of this state as documented on {@code PolicyDelta.state_digest}: the sum modulo 2^64
     * of mix64(fnv1a64(utf8(line))) over one line per ipcache entry, endpoint and map entry. Sent on
     * resubscribe so a replica that never produced our version can still resume us.
     */
    public long digest() {
        long sum = 0;
        for (Map.Entry<Cidr, Integer> e : ipcache.entrySet()) {
            sum += term("ip|" + e.getKey() + "|" + Integer.toUnsignedString(e.getValue()) + "|"
                    + ipcacheNodes.getOrDefault(e.getKey(), ""));
        }
        for (Map.Entry<String, EndpointPolicy> ep : endpoints.entrySet()) {
            String name = ep.getKey();
            sum += term("ep|" + name + "|" + Integer.toUnsignedString(ep.getValue().identity()) + "|"
                    + String.join(",", ep.getValue().ips()));
            for (Map.Entry<PolicyKey, PolicyEntry> me : ep.getValue().state().entries().entrySet()) {
                PolicyKey k = me.getKey();
                PolicyEntry v = me.getValue();
                sum += term("me|" + name + "|" + Integer.toUnsignedString(k.remoteIdentity()) + "|"
                        + (k.direction().ordinal() + 1) + "|" + k.protocol() + "|" + k.port() + "|" + k.portPrefixLength()
                        + "|" + (v.deny() ? 2 : 1) + "|" + v.proxyPort() + "|" + (v.authRequired() ? 1 : 0));
            }
        }
        return sum;
    }

    static long term(String line) {
        long h = 0xcbf29ce484222325L; // FNV-1a 64 offset basis
        for (byte b : line.getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
            h ^= b & 0xff;
            h *= 0x100000001b3L;
        }
        h = (h ^ (h >>> 30)) * 0xbf58476d1ce4e5b9L; // SplitMix64 finaliser
        h = (h ^ (h >>> 27)) * 0x94d049bb133111ebL;
        return h ^ (h >>> 31);
    }

    private static Cidr cidr(String text, String field) {
        try {
            return Cidr.parse(text);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(field + ": " + e.getMessage(), e);
        }
    }

    static PolicyKey key(MapKey k, String field) {
        Direction dir = switch (k.getDirection()) {
            case DIRECTION_INGRESS -> Direction.INGRESS;
            case DIRECTION_EGRESS -> Direction.EGRESS;
            default -> throw new IllegalArgumentException(field + ".direction: must be INGRESS or EGRESS");
        };
        try {
            return new PolicyKey(k.getRemoteIdentity(), dir, k.getProtocol(), k.getPort(), k.getPortPrefixLen());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(field + ": " + e.getMessage(), e);
        }
    }

    static PolicyEntry value(MapValue v, String field) {
        boolean deny = switch (v.getVerdict()) {
            case VERDICT_ALLOW -> false;
            case VERDICT_DENY -> true;
            default -> throw new IllegalArgumentException(field + ".verdict: must be ALLOW or DENY");
        };
        try {
            return new PolicyEntry(deny, v.getProxyPort(), v.getAuthValue() == 1, v.getRuleRef());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(field + ": " + e.getMessage(), e);
        }
    }
}
