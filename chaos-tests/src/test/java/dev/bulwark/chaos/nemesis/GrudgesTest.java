package dev.bulwark.chaos.nemesis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bulwark.chaos.generator.Targeting;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class GrudgesTest {

    private static final List<String> FIVE = List.of("n1", "n2", "n3", "n4", "n5");

    /** The nodes {@code node} still hears (itself included). */
    private static Set<String> hears(Map<String, Set<String>> g, List<String> nodes, String node) {
        Set<String> s = new HashSet<>(nodes);
        s.removeAll(g.getOrDefault(node, Set.of()));
        return s;
    }

    @Test
    void leaderIsolationCutsTheLeaderBothWays() {
        Map<String, Set<String>> g = Grudges.of(Targeting.LEADER, FIVE, "n3", 42);
        assertEquals(Set.of("n1", "n2", "n4", "n5"), g.get("n3"));
        for (String n : List.of("n1", "n2", "n4", "n5")) {
            assertEquals(Set.of("n3"), g.get(n));
        }
        assertEquals("n1<-{n3} n2<-{n3} n3<-{n1,n2,n4,n5} n4<-{n3} n5<-{n3}", Grudges.describe(g));
    }

    @Test
    void minorityAndMajoritySplitsLeaveExactlyOneMajoritySide() {
        for (Targeting t : List.of(Targeting.ONE, Targeting.MINORITY, Targeting.MAJORITY)) {
            for (long choice = 0; choice < 20; choice++) {
                Map<String, Set<String>> g = Grudges.of(t, FIVE, null, choice);
                int majorities = 0;
                for (String n : FIVE) {
                    if (hears(g, FIVE, n).size() >= 3) {
                        majorities++;
                    }
                }
                assertTrue(majorities >= 3, t + " choice " + choice + ": " + g);
                assertTrue(majorities < 5, t + " cut nothing: " + g);
            }
        }
    }

    @Test
    void majoritiesRingGivesEveryNodeADifferentMajority() {
        for (List<String> nodes : List.of(FIVE, List.of("n1", "n2", "n3"))) {
            Map<String, Set<String>> g = Grudges.of(Targeting.MAJORITIES_RING, nodes, null, 7);
            Set<Set<String>> seen = new HashSet<>();
            for (String n : nodes) {
                Set<String> h = hears(g, nodes, n);
                assertEquals(nodes.size() / 2 + 1, h.size(), n + " hears " + h);
                assertTrue(h.contains(n));
                assertTrue(seen.add(h), "two nodes share the majority " + h);
            }
        }
    }

    @Test
    void sameChoiceSameGrudge() {
        assertEquals(Grudges.of(Targeting.MINORITY, FIVE, null, 99), Grudges.of(Targeting.MINORITY, FIVE, null, 99));
    }
}
