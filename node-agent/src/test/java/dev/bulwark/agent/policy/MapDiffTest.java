package dev.bulwark.agent.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bulwark.model.Cidr;
import dev.bulwark.model.policy.Direction;
import dev.bulwark.model.policy.MapState;
import dev.bulwark.model.policy.PolicyEntry;
import dev.bulwark.model.policy.PolicyKey;
import dev.bulwark.model.policy.Protocols;
import dev.bulwark.testkit.Seeds;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class MapDiffTest {

    private static final PolicyKey K80 = PolicyKey.l4(100, Direction.INGRESS, Protocols.TCP, 80);
    private static final PolicyKey K81 = PolicyKey.l4(100, Direction.INGRESS, Protocols.TCP, 81);
    private static final PolicyKey ANY = PolicyKey.l3(0, Direction.EGRESS);

    @Test
    void diffHoldsOnlyChangedAddedAndRemovedKeys() {
        MapState current = MapState.builder().put(K80, PolicyEntry.ALLOW).put(K81, PolicyEntry.ALLOW).build();
        MapState desired = MapState.builder().put(K80, PolicyEntry.DENY).put(ANY, PolicyEntry.ALLOW).build();
        MapDiff<PolicyKey, PolicyEntry> d = MapDiff.between(current, desired);
        assertEquals(Map.of(K80, PolicyEntry.DENY, ANY, PolicyEntry.ALLOW), d.upserts());
        assertEquals(Set.of(K81), d.deletes());
        assertEquals(desired.entries(), d.applyTo(current.entries()));
    }

    @Test
    void ruleReferenceAloneIsNoKernelOperation() {
        MapState current = MapState.builder().put(K80, PolicyEntry.allow("np/x/a[0]")).build();
        MapState desired = MapState.builder().put(K80, PolicyEntry.allow("cnp/x/b[2]")).build();
        assertTrue(MapDiff.between(current, desired).isEmpty());
    }

    @Test
    void aKeyCannotBeBothUpsertedAndDeleted() {
        assertThrows(IllegalArgumentException.class,
                () -> new MapDiff<>(new TreeMap<>(Map.of(K80, PolicyEntry.ALLOW)), new TreeSet<>(Set.of(K80))));
    }

    @Test
    void applyingTheDiffAlwaysYieldsTheDesiredContent() throws Exception {
        Seeds.run("diff round trip", rnd -> {
            for (int i = 0; i < 500; i++) {
                Map<Cidr, Integer> a = new TreeMap<>();
                Map<Cidr, Integer> b = new TreeMap<>();
                for (int j = 0; j < 20; j++) {
                    Cidr c = Cidr.parse("10.0." + rnd.nextInt(8) + ".0/24");
                    (rnd.nextBoolean() ? a : b).put(c, 100 + rnd.nextInt(3));
                }
                MapDiff<Cidr, Integer> d = MapDiff.ipcache(a, b);
                assertEquals(b, d.applyTo(a));
                assertEquals(MapDiff.ipcache(b, b).size(), 0);
                for (Cidr k : d.upserts().keySet()) {
                    assertTrue(!b.get(k).equals(a.get(k)), "only changed keys are upserted");
                }
            }
        });
    }
}
