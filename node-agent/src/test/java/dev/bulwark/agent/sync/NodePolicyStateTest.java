package dev.bulwark.agent.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bulwark.model.policy.Direction;
import dev.bulwark.model.policy.PolicyEntry;
import dev.bulwark.model.policy.PolicyKey;
import dev.bulwark.model.policy.Protocols;
import dev.bulwark.proto.policy.v1.AuthMode;
import dev.bulwark.proto.policy.v1.EndpointDelta;
import dev.bulwark.proto.policy.v1.IpcacheEntry;
import dev.bulwark.proto.policy.v1.MapEntry;
import dev.bulwark.proto.policy.v1.MapKey;
import dev.bulwark.proto.policy.v1.MapValue;
import dev.bulwark.proto.policy.v1.PolicyDelta;
import dev.bulwark.proto.policy.v1.Verdict;
import org.junit.jupiter.api.Test;

/** Pure delta application and the state digest of the stream contract. */
class NodePolicyStateTest {

    private static MapEntry entry(int identity, dev.bulwark.proto.policy.v1.Direction dir, int proto, int port, int len,
                                  Verdict v, int proxy, AuthMode auth) {
        return MapEntry.newBuilder().setKey(MapKey.newBuilder().setRemoteIdentity(identity).setDirection(dir)
                .setProtocol(proto).setPort(port).setPortPrefixLen(len))
                .setValue(MapValue.newBuilder().setVerdict(v).setProxyPort(proxy).setAuth(auth).setRuleRef("r")).build();
    }

    private static final PolicyDelta FULL = PolicyDelta.newBuilder().setVersion(5).setFullState(true).setNonce("a")
            .addIpcacheUpserts(IpcacheEntry.newBuilder().setPrefix("10.0.0.1/32").setIdentity(100).setNodeName("node-1"))
            .addIpcacheUpserts(IpcacheEntry.newBuilder().setPrefix("192.168.0.0/16").setIdentity(16_777_217))
            .addEndpoints(EndpointDelta.newBuilder().setName("x/a").setIdentity(7).addIps("10.0.0.9").setReplace(true)
                    .addAdds(entry(100, dev.bulwark.proto.policy.v1.Direction.DIRECTION_INGRESS, 6, 80, 16, Verdict.VERDICT_ALLOW, 0, AuthMode.AUTH_MODE_NONE))
                    .addAdds(entry(0, dev.bulwark.proto.policy.v1.Direction.DIRECTION_EGRESS, 0, 0, 0, Verdict.VERDICT_ALLOW, 15_001, AuthMode.AUTH_MODE_REQUIRED))
                    .addAdds(entry(16_777_217, dev.bulwark.proto.policy.v1.Direction.DIRECTION_EGRESS, 17, 8080, 12, Verdict.VERDICT_DENY, 0, AuthMode.AUTH_MODE_NONE)))
            .build();

    @Test
    void digestMatchesTheDistributorsDigestOfTheSameState() {
        NodePolicyState s = ((NodePolicyState.Outcome.Applied) NodePolicyState.EMPTY.apply(FULL)).next();
        // Golden value computed with policy-distributor's StateDigest over the same items.
        assertEquals(-2016188157485433281L, s.digest());
        assertEquals(new PolicyEntry(false, 15_001, true, "r"),
                s.endpoints().get("x/a").state().entries().get(PolicyKey.l3(0, Direction.EGRESS)));
        assertEquals(PolicyEntry.DENY, s.endpoints().get("x/a").state().entries()
                .get(new PolicyKey(16_777_217, Direction.EGRESS, Protocols.UDP, 8080, 12)).datapathValue());
    }

    @Test
    void deltasMustApplyOnTheHeldVersion() {
        NodePolicyState s = ((NodePolicyState.Outcome.Applied) NodePolicyState.EMPTY.apply(FULL)).next();
        var r = assertInstanceOf(NodePolicyState.Outcome.Rejected.class,
                s.apply(PolicyDelta.newBuilder().setVersion(9).setBaseVersion(4).setNonce("b").build()));
        assertEquals(9, r.rpcCode());
        var stale = assertInstanceOf(NodePolicyState.Outcome.Rejected.class,
                s.apply(PolicyDelta.newBuilder().setVersion(5).setBaseVersion(5).setNonce("c").build()));
        assertEquals(3, stale.rpcCode());
    }

    @Test
    void anInvalidFieldRejectsTheWholeDeltaAndNamesTheField() {
        NodePolicyState s = ((NodePolicyState.Outcome.Applied) NodePolicyState.EMPTY.apply(FULL)).next();
        var r = assertInstanceOf(NodePolicyState.Outcome.Rejected.class, s.apply(PolicyDelta.newBuilder().setVersion(6)
                .setBaseVersion(5).setNonce("d")
                .addIpcacheUpserts(IpcacheEntry.newBuilder().setPrefix("10.0.0.2/32").setIdentity(101))
                .addEndpoints(EndpointDelta.newBuilder().setName("x/a")
                        .addAdds(entry(1, dev.bulwark.proto.policy.v1.Direction.DIRECTION_INGRESS, 0, 80, 16,
                                Verdict.VERDICT_ALLOW, 0, AuthMode.AUTH_MODE_NONE))).build()));
        assertTrue(r.message().startsWith("endpoints[0].adds[0].key: "), r.message());
        var bad = assertInstanceOf(NodePolicyState.Outcome.Rejected.class, s.apply(PolicyDelta.newBuilder().setVersion(6)
                .setBaseVersion(5).setNonce("e").addIpcacheDeletes("10.0.0.300/32").build()));
        assertTrue(bad.message().startsWith("ipcache_deletes[0]: "), bad.message());
        assertSame(s, s, "the held state is immutable");
        assertEquals(2, s.ipcache().size());
    }
}
