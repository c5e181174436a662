package dev.bulwark.policy.distribution.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What {@link StoreCalls#each} hands back: values in argument order, failures per node, outages apart from bugs. */
class StoreCallsTest {

    private static Map<String, Integer> nodes(int n) {
        Map<String, Integer> args = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            args.put("n" + i, i);
        }
        return args;
    }

    @Test
    void everyNodeGetsItsOwnResultAndAnOutageIsReportedNotThrown() throws Exception {
        IdentitySource.IdentityUnavailableException down = new IdentitySource.IdentityUnavailableException("no leader", null);
        StoreCalls.Results<Integer> r = StoreCalls.each(nodes(100), 8, (node, i) -> {
            if (i == 42) {
                throw down;
            }
            return i * 2;
        });
        assertEquals(99, r.values().size());
        assertEquals(List.copyOf(nodes(100).keySet()).stream().filter(n -> !n.equals("n42")).toList(),
                List.copyOf(r.values().keySet()), "values in argument order");
        r.values().forEach((node, v) -> assertEquals(Integer.parseInt(node.substring(1)) * 2, v, node));
        assertEquals(Map.of("n42", down), r.failures());
        assertSame(down, r.unavailable().orElseThrow());
    }

    @Test
    void aFailureOtherThanAnOutageIsThrownByUnavailable() throws Exception {
        IllegalArgumentException bad = new IllegalArgumentException("labels[0]: bad value");
        StoreCalls.Results<Integer> r = StoreCalls.each(nodes(10), 4, (node, i) -> {
            if (i == 3) {
                throw bad;
            }
            if (i == 5) {
                throw new IdentitySource.IdentityUnavailableException("no leader", null);
            }
            return i;
        });
        assertEquals(8, r.values().size());
        assertSame(bad, assertThrows(IllegalArgumentException.class, r::unavailable));
    }

    @Test
    void noCallsNoResults() throws Exception {
        StoreCalls.Results<Integer> r = StoreCalls.each(Map.<String, Integer>of(), 4, (node, i) -> i);
        assertTrue(r.values().isEmpty() && r.failures().isEmpty());
        assertTrue(r.unavailable().isEmpty());
    }
}
