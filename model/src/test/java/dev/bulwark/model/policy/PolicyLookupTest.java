package dev.bulwark.model.policy;

import static dev.bulwark.model.policy.Direction.EGRESS;
import static dev.bulwark.model.policy.Direction.INGRESS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bulwark.model.policy.PolicyLookup.Reason;
import java.util.List;
import org.junit.jupiter.api.Test;

class PolicyLookupTest {

    private static final int WEB = 65_600;
    private static final int DB = 65_601;

    @Test
    void emptyStateDropsAndAllowAllAllows() {
        assertEquals(Reason.NO_MATCH, PolicyLookup.decide(MapState.EMPTY, WEB, INGRESS, Protocols.TCP, 80).reason());
        assertTrue(PolicyLookup.decide(MapState.allowAll(), WEB, INGRESS, Protocols.TCP, 80).allowed());
        assertTrue(PolicyLookup.decide(MapState.allowAll(), WEB, EGRESS, Protocols.UDP, 53).allowed());
    }

    @Test
    void exactPortAndDirectionMatter() {
        MapState s = MapState.builder().put(PolicyKey.l4(WEB, INGRESS, Protocols.TCP, 80), PolicyEntry.allow("np/x/a[0]")).build();
        assertTrue(PolicyLookup.decide(s, WEB, INGRESS, Protocols.TCP, 80).allowed());
        assertEquals("np/x/a[0]", PolicyLookup.decide(s, WEB, INGRESS, Protocols.TCP, 80).entry().ruleRef());
        assertFalse(PolicyLookup.decide(s, WEB, INGRESS, Protocols.TCP, 81).allowed());
        assertFalse(PolicyLookup.decide(s, WEB, INGRESS, Protocols.UDP, 80).allowed());
        assertFalse(PolicyLookup.decide(s, WEB, EGRESS, Protocols.TCP, 80).allowed());
        assertFalse(PolicyLookup.decide(s, DB, INGRESS, Protocols.TCP, 80).allowed());
    }

    @Test
    void portRangesAreStoredAsPrefixes() {
        MapState.Builder b = MapState.builder();
        for (PortPrefix p : PortPrefix.cover(32_000, 32_768)) {
            b.put(new PolicyKey(WEB, INGRESS, Protocols.TCP, p.port(), p.length()), PolicyEntry.ALLOW);
        }
        MapState s = b.build();
        assertFalse(PolicyLookup.decide(s, WEB, INGRESS, Protocols.TCP, 31_999).allowed());
        assertTrue(PolicyLookup.decide(s, WEB, INGRESS, Protocols.TCP, 32_000).allowed());
        assertTrue(PolicyLookup.decide(s, WEB, INGRESS, Protocols.TCP, 32_500).allowed());
        assertTrue(PolicyLookup.decide(s, WEB, INGRESS, Protocols.TCP, 32_768).allowed());
        assertFalse(PolicyLookup.decide(s, WEB, INGRESS, Protocols.TCP, 32_769).allowed());
    }

    @Test
    void denyOnEitherLookupWins() {
        MapState s = MapState.builder()
                .put(PolicyKey.l4(WEB, INGRESS, Protocols.TCP, 80), PolicyEntry.ALLOW)
                .put(PolicyKey.l3(0, INGRESS), PolicyEntry.deny("cnp/x/deny-all"))
                .build();
        var d = PolicyLookup.decide(s, WEB, INGRESS, Protocols.TCP, 80);
        assertEquals(Reason.DENIED_BY_POLICY, d.reason());
        assertEquals("cnp/x/deny-all", d.entry().ruleRef());

        MapState s2 = MapState.builder()
                .put(PolicyKey.l3(0, INGRESS), PolicyEntry.ALLOW)
                .put(PolicyKey.l4(DB, INGRESS, Protocols.TCP, 0), PolicyEntry.DENY)
                .build();
        assertEquals(Reason.DENIED_BY_POLICY, PolicyLookup.decide(s2, DB, INGRESS, Protocols.TCP, 5432).reason());
        assertTrue(PolicyLookup.decide(s2, DB, INGRESS, Protocols.UDP, 53).allowed());
        assertTrue(PolicyLookup.decide(s2, WEB, INGRESS, Protocols.TCP, 5432).allowed());
    }

    @Test
    void redirectThenSpecificityPickTheWinnerAndAuthIsInherited() {
        PolicyEntry redirect = new PolicyEntry(false, 15_001, false, "l7");
        PolicyEntry auth = new PolicyEntry(false, 0, true, "auth");
        MapState s = MapState.builder()
                .put(PolicyKey.l4(WEB, INGRESS, Protocols.TCP, 80), auth)
                .put(PolicyKey.l4(0, INGRESS, Protocols.TCP, 0), redirect)
                .build();
        var d = PolicyLookup.decide(s, WEB, INGRESS, Protocols.TCP, 80);
        assertTrue(d.allowed());
        assertEquals(15_001, d.proxyPort());
        assertTrue(d.authRequired());
        assertEquals("l7", d.entry().ruleRef());
    }

    @Test
    void prefixCoverIsMinimalAndExact() {
        assertEquals(List.of(new PortPrefix(0, 0)), PortPrefix.cover(0, 65_535));
        assertEquals(List.of(new PortPrefix(80, 16)), PortPrefix.cover(80, 80));
        assertEquals(List.of(new PortPrefix(32_000, 8), new PortPrefix(32_256, 7), new PortPrefix(32_768, 16)),
                PortPrefix.cover(32_000, 32_768));
        for (int from : new int[] {1, 79, 1000, 65_000}) {
            for (int to : new int[] {from, from + 1, from + 37, 65_535}) {
                int covered = 0;
                int next = from;
                for (PortPrefix p : PortPrefix.cover(from, to)) {
                    assertEquals(next, p.first());
                    covered += p.last() - p.first() + 1;
                    next = p.last() + 1;
                }
                assertEquals(to - from + 1, covered);
            }
        }
    }

    @Test
    void keysRejectImpossibleLayouts() {
        assertThrows(IllegalArgumentException.class, () -> new PolicyKey(1, INGRESS, Protocols.ANY, 80, 16));
        assertThrows(IllegalArgumentException.class, () -> new PolicyKey(1, INGRESS, Protocols.TCP, 81, 15));
        assertThrows(IllegalArgumentException.class, () -> new PolicyEntry(true, 15_001, false, ""));
        assertTrue(PolicyKey.l4(1, INGRESS, Protocols.TCP, 80).isCoveredBy(PolicyKey.l3(1, INGRESS)));
        assertTrue(new PolicyKey(1, INGRESS, Protocols.TCP, 80, 16).isCoveredBy(new PolicyKey(1, INGRESS, Protocols.TCP, 64, 11)));
        assertFalse(PolicyKey.l3(1, INGRESS).isCoveredBy(PolicyKey.l4(1, INGRESS, Protocols.TCP, 80)));
    }
}
