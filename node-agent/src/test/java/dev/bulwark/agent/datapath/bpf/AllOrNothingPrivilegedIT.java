package dev.bulwark.agent.datapath.bpf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bulwark.agent.datapath.DatapathException;
import dev.bulwark.agent.policy.MapDiff;
import dev.bulwark.model.policy.Direction;
import dev.bulwark.model.policy.MapState;
import dev.bulwark.model.policy.PolicyEntry;
import dev.bulwark.model.policy.PolicyKey;
import dev.bulwark.model.policy.Protocols;
import org.junit.jupiter.api.Test;

/** A kernel policy map that fills up mid-delta is rolled back to exactly its previous content. */
@org.junit.jupiter.api.Timeout(value = 180, unit = java.util.concurrent.TimeUnit.SECONDS) // never hang CI
class AllOrNothingPrivilegedIT {

    @Test
    void aFullMapRollsBackTheWholeDelta() {
        Privileged.assumeKernelDatapath();
        try (BpfPolicyMap map = new BpfPolicyMap("tiny", BpfMap.create(MapInfo.TYPE_LPM_TRIE, Layouts.POLICY_KEY_SIZE,
                Layouts.POLICY_VALUE_SIZE, 4, 1, "policy"))) {
            MapState before = MapState.builder()
                    .put(PolicyKey.l4(1, Direction.INGRESS, Protocols.TCP, 80), PolicyEntry.ALLOW)
                    .put(PolicyKey.l4(2, Direction.INGRESS, Protocols.TCP, 80), PolicyEntry.ALLOW)
                    .put(PolicyKey.l4(3, Direction.INGRESS, Protocols.TCP, 80), PolicyEntry.ALLOW).build();
            map.reconcile(before);
            MapState.Builder b = MapState.builder();
            before.entries().forEach(b::put);
            b.remove(PolicyKey.l4(1, Direction.INGRESS, Protocols.TCP, 80));
            b.put(PolicyKey.l4(2, Direction.INGRESS, Protocols.TCP, 80), PolicyEntry.DENY); // changed value
            for (int i = 10; i < 14; i++) {
                b.put(PolicyKey.l4(i, Direction.EGRESS, Protocols.UDP, 53), PolicyEntry.ALLOW); // 6 entries > 4
            }
            MapState desired = b.build();
            DatapathException e = assertThrows(DatapathException.class, () -> map.apply(MapDiff.between(before, desired)));
            assertEquals(8, e.rpcCode(), "a full map is RESOURCE_EXHAUSTED: " + e.getMessage());
            assertTrue(e.getMessage().contains("nothing was changed"), e.getMessage());
            assertEquals(before, map.read(), "deleted, changed and added entries all rolled back");
        }
    }
}
