package dev.bulwark.agent.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.bulwark.agent.datapath.AuthMap;
import dev.bulwark.agent.datapath.DatapathException;
import dev.bulwark.agent.datapath.InMemoryAuthMap;
import dev.bulwark.agent.datapath.InMemoryIpcacheMap;
import dev.bulwark.agent.datapath.InMemoryPolicyMap;
import dev.bulwark.agent.datapath.IpcacheMap;
import dev.bulwark.agent.datapath.PolicyMap;
import dev.bulwark.model.policy.Direction;
import dev.bulwark.model.policy.MapState;
import dev.bulwark.model.policy.PolicyEntry;
import dev.bulwark.model.policy.PolicyKey;
import dev.bulwark.proto.policy.v1.EndpointDelta;
import dev.bulwark.proto.policy.v1.MapEntry;
import dev.bulwark.proto.policy.v1.MapKey;
import dev.bulwark.proto.policy.v1.MapValue;
import dev.bulwark.proto.policy.v1.PolicyDelta;
import dev.bulwark.proto.policy.v1.Verdict;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Endpoints attached before the first state (restored or re-added after an agent restart) keep what their
 * pinned maps hold until that state arrives, and it then reconciles every one of them, also those it does
 * not mention, as an attach after a state would.
 */
class StateApplierTest {

    /** In-memory maps standing in for pinned ones: the subject is the applier, not the datapath. */
    static final class Maps implements NodeDatapath {
        final IpcacheMap ipcache = new InMemoryIpcacheMap();
        final Map<String, PolicyMap> policy = new TreeMap<>();
        final Map<String, Integer> identities = new TreeMap<>();
        final AuthMap auth = new InMemoryAuthMap();

        @Override
        public IpcacheMap ipcache() {
            return ipcache;
        }

        @Override
        public Optional<PolicyMap> policyMap(String name) {
            return Optional.ofNullable(policy.get(name));
        }

        @Override
        public void setEndpointIdentity(String name, int identity) {
            if (policy.containsKey(name)) {
                identities.put(name, identity);
            }
        }

        @Override
        public AuthMap auth() {
            return auth;
        }

        @Override
        public boolean enforcing() {
            return false;
        }
    }

    private static final MapState PINNED = MapState.of(Map.of(PolicyKey.l3(0, Direction.EGRESS), PolicyEntry.ALLOW));

    private static NodePolicyState state(long version, int... ports) {
        EndpointDelta.Builder a = EndpointDelta.newBuilder().setName("x/a").setIdentity(7).setReplace(true);
        for (int port : ports) {
            a.addAdds(MapEntry.newBuilder().setKey(MapKey.newBuilder().setRemoteIdentity(100)
                    .setDirection(dev.bulwark.proto.policy.v1.Direction.DIRECTION_INGRESS).setProtocol(6).setPort(port)
                    .setPortPrefixLen(16)).setValue(MapValue.newBuilder().setVerdict(Verdict.VERDICT_ALLOW)));
        }
        PolicyDelta full = PolicyDelta.newBuilder().setVersion(version).setFullState(true).setNonce("n" + version)
                .addEndpoints(a).build();
        return ((NodePolicyState.Outcome.Applied) NodePolicyState.EMPTY.apply(full)).next();
    }

    private static Maps pinned(int capacityOfA) {
        Maps maps = new Maps();
        maps.policy.put("x/a", new InMemoryPolicyMap("x/a", capacityOfA));
        maps.policy.put("x/c", new InMemoryPolicyMap("x/c"));
        maps.policy.values().forEach(m -> m.reconcile(PINNED));
        return maps;
    }

    @Test
    void endpointsAttachedBeforeTheFirstStateAreAllReconciledByIt() {
        Maps maps = pinned(InMemoryPolicyMap.CAPACITY);
        StateApplier applier = new StateApplier(maps);
        applier.attach(NodePolicyState.EMPTY, "x/a");
        applier.attach(NodePolicyState.EMPTY, "x/c");
        assertEquals(PINNED, maps.policy.get("x/a").read(), "untouched before any state");
        assertEquals(PINNED, maps.policy.get("x/c").read(), "untouched before any state");

        NodePolicyState v1 = state(1, 80);
        applier.apply(NodePolicyState.EMPTY, v1);
        assertEquals(v1.endpoints().get("x/a").state(), maps.policy.get("x/a").read());
        assertEquals(MapState.EMPTY, maps.policy.get("x/c").read(), "not in the state: deny all, as after a fresh attach");
        assertEquals(Map.of("x/a", 7, "x/c", 0), maps.identities);

        maps.policy.get("x/c").reconcile(PINNED);
        applier.apply(v1, state(2, 80, 81));
        assertEquals(PINNED, maps.policy.get("x/c").read(), "only the first state reconciles unmentioned endpoints");
    }

    @Test
    void aFirstStateThatFailsLeavesTheEndpointsWaitingForTheNext() {
        Maps maps = pinned(1);
        StateApplier applier = new StateApplier(maps);
        applier.attach(NodePolicyState.EMPTY, "x/a");
        applier.attach(NodePolicyState.EMPTY, "x/c");
        assertThrows(DatapathException.class, () -> applier.apply(NodePolicyState.EMPTY, state(1, 80, 81)));
        assertEquals(PINNED, maps.policy.get("x/a").read(), "all or nothing");
        assertEquals(PINNED, maps.policy.get("x/c").read(), "all or nothing");

        applier.apply(NodePolicyState.EMPTY, state(2, 80));
        assertEquals(MapState.EMPTY, maps.policy.get("x/c").read(), "the next state still reconciles it");
    }
}
