package dev.bulwark.policy.distribution.stream;

import dev.bulwark.model.policy.Direction;
import dev.bulwark.model.policy.PolicyEntry;
import dev.bulwark.model.policy.PolicyKey;
import dev.bulwark.policy.distribution.state.EndpointChange;
import dev.bulwark.policy.distribution.state.IpcacheMapping;
import dev.bulwark.policy.distribution.state.NodeDelta;
import dev.bulwark.proto.policy.v1.AuthMode;
import dev.bulwark.proto.policy.v1.EndpointDelta;
import dev.bulwark.proto.policy.v1.IpcacheEntry;
import dev.bulwark.proto.policy.v1.MapEntry;
import dev.bulwark.proto.policy.v1.MapKey;
import dev.bulwark.proto.policy.v1.MapValue;
import dev.bulwark.proto.policy.v1.PolicyDelta;
import dev.bulwark.proto.policy.v1.Verdict;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Translation between {@link NodeDelta} and the wire's {@link PolicyDelta}, in both directions (the
 * distributor encodes; agents decode). The ipcache part and the endpoint part are encoded separately so
 * the ipcache part, identical for every agent moving between the same two ipcache revisions, can be
 * serialized once: concatenated protobuf encodings parse as one message (repeated fields append).
 */
public final class DeltaCodec {

    private DeltaCodec() {
    }

    /** The ipcache fields only (5 and 6). */
    public static PolicyDelta ipcachePart(NodeDelta delta) {
        PolicyDelta.Builder b = PolicyDelta.newBuilder();
        new TreeMap<>(delta.ipcacheUpserts()).forEach((prefix, m) -> b.addIpcacheUpserts(IpcacheEntry.newBuilder()
                .setPrefix(prefix).setIdentity(m.identity()).setNodeName(m.nodeName())));
        delta.ipcacheDeletes().stream().sorted().forEach(b::addIpcacheDeletes);
        return b.build();
    }

    /** Everything but the ipcache: header fields and the endpoint part. */
    public static PolicyDelta.Builder endpointPart(NodeDelta delta) {
        PolicyDelta.Builder b = PolicyDelta.newBuilder().setFullState(delta.fullState());
        for (EndpointChange change : delta.endpoints()) {
            EndpointDelta.Builder e = EndpointDelta.newBuilder().setName(change.name()).setIdentity(change.identity())
                    .addAllIps(change.ips()).setReplace(change.replace());
            change.adds().forEach((k, v) -> e.addAdds(MapEntry.newBuilder().setKey(key(k)).setValue(value(v))));
            change.removes().stream().sorted().forEach(k -> e.addRemoves(key(k)));
            b.addEndpoints(e);
        }
        delta.removedEndpoints().stream().sorted().forEach(b::addRemovedEndpoints);
        return b;
    }

    /** The whole delta as one message (used where nothing is shared, and by tests). */
    public static PolicyDelta.Builder encode(NodeDelta delta) {
        return endpointPart(delta).mergeFrom(ipcachePart(delta));
    }

    static MapKey key(PolicyKey k) {
        return MapKey.newBuilder().setRemoteIdentity(k.remoteIdentity())
                .setDirection(k.direction() == Direction.INGRESS ? dev.bulwark.proto.policy.v1.Direction.DIRECTION_INGRESS
                        : dev.bulwark.proto.policy.v1.Direction.DIRECTION_EGRESS)
                .setProtocol(k.protocol()).setPort(k.port()).setPortPrefixLen(k.portPrefixLength()).build();
    }

    static MapValue value(PolicyEntry v) {
        return MapValue.newBuilder().setVerdict(v.deny() ? Verdict.VERDICT_DENY : Verdict.VERDICT_ALLOW)
                .setProxyPort(v.proxyPort()).setAuth(v.authRequired() ? AuthMode.AUTH_MODE_REQUIRED : AuthMode.AUTH_MODE_NONE)
                .setRuleRef(v.ruleRef()).build();
    }

    /**
     * Decodes a received delta; throws {@link IllegalArgumentException} naming the offending field when
     * the message is malformed (the agent then NACKs it).
     */
    public static NodeDelta decode(PolicyDelta d) {
        Map<String, IpcacheMapping> upserts = new HashMap<>();
        for (int i = 0; i < d.getIpcacheUpsertsCount(); i++) {
            IpcacheEntry e = d.getIpcacheUpserts(i);
            try {
                upserts.put(e.getPrefix(), new IpcacheMapping(e.getIdentity(), e.getNodeName()));
            } catch (IllegalArgumentException ex) {
                throw new IllegalArgumentException("ipcache_upserts[" + i + "]: " + ex.getMessage(), ex);
            }
        }
        List<EndpointChange> endpoints = new java.util.ArrayList<>();
        for (int i = 0; i < d.getEndpointsCount(); i++) {
            endpoints.add(decodeEndpoint(d.getEndpoints(i), "endpoints[" + i + "]"));
        }
        return new NodeDelta(d.getFullState(), upserts, Set.copyOf(d.getIpcacheDeletesList()), endpoints,
                Set.copyOf(d.getRemovedEndpointsList()));
    }

    private static EndpointChange decodeEndpoint(EndpointDelta e, String path) {
        TreeMap<PolicyKey, PolicyEntry> adds = new TreeMap<>();
        Set<PolicyKey> removes = new HashSet<>();
        try {
            for (int j = 0; j < e.getAddsCount(); j++) {
                adds.put(decodeKey(e.getAdds(j).getKey(), path + ".adds[" + j + "].key"),
                        decodeValue(e.getAdds(j).getValue(), path + ".adds[" + j + "].value"));
            }
            for (int j = 0; j < e.getRemovesCount(); j++) {
                removes.add(decodeKey(e.getRemoves(j), path + ".removes[" + j + "]"));
            }
            return new EndpointChange(e.getName(), e.getIdentity(), e.getIpsList(), e.getReplace(), adds, removes);
        } catch (IllegalArgumentException ex) {
            throw ex.getMessage().startsWith(path) ? ex : new IllegalArgumentException(path + ": " + ex.getMessage(), ex);
        }
    }

    private static PolicyKey decodeKey(MapKey k, String path) {
        Direction direction = switch (k.getDirection()) {
            case DIRECTION_INGRESS -> Direction.INGRESS;
            case DIRECTION_EGRESS -> Direction.EGRESS;
            default -> throw new IllegalArgumentException(path + ".direction: must be INGRESS or EGRESS");
        };
        try {
            return new PolicyKey(k.getRemoteIdentity(), direction, k.getProtocol(), k.getPort(), k.getPortPrefixLen());
        } catch (IllegalArgumentException ex) {
            throw new IllegalArgumentException(path + ": " + ex.getMessage(), ex);
        }
    }

    private static PolicyEntry decodeValue(MapValue v, String path) {
        boolean deny = switch (v.getVerdict()) {
            case VERDICT_ALLOW -> false;
            case VERDICT_DENY -> true;
            default -> throw new IllegalArgumentException(path + ".verdict: must be ALLOW or DENY");
        };
        try {
            return new PolicyEntry(deny, v.getProxyPort(), v.getAuth() == AuthMode.AUTH_MODE_REQUIRED, v.getRuleRef());
        } catch (IllegalArgumentException ex) {
            throw new IllegalArgumentException(path + ": " + ex.getMessage(), ex);
        }
    }
}
