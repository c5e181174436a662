package dev.bulwark.policy.distribution.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bulwark.testkit.Seeds;
import org.junit.jupiter.api.Test;

class NodeDeltaSimulationTest {

    @Test
    void deltaBetweenTwoViewsAppliedToTheFirstGivesTheSecond() throws Exception {
        Seeds.run("delta(a,b).applyTo(a) == b", random -> {
            for (int i = 0; i < 3_000; i++) {
                NodeView a = StateGenerators.view(random);
                NodeView b = random.nextBoolean() ? StateGenerators.mutate(random, a) : StateGenerators.view(random);
                NodeDelta delta = NodeDelta.between(a, b);
                NodeView applied = delta.applyTo(a);
                assertEquals(b, applied, "case " + i + ": " + a + " -> " + b);
                assertEquals(b.digest(), applied.digest(), "digest, case " + i);
                assertEquals(a.equals(b), delta.isEmpty(), "empty iff equal, case " + i);
            }
        });
    }

    @Test
    void fullStateReplacesWhateverTheAgentHeld() throws Exception {
        Seeds.run("full(b).applyTo(x) == b", random -> {
            for (int i = 0; i < 1_000; i++) {
                NodeView held = StateGenerators.view(random);
                NodeView target = StateGenerators.view(random);
                assertEquals(target, NodeDelta.full(target).applyTo(held), "case " + i);
            }
        });
    }

    @Test
    void digestIsOrderIndependentAndSensitiveToEveryField() {
        NodeView a = StateGenerators.view(dev.bulwark.testkit.Seeds.random(7));
        NodeView same = NodeView.copyOf(new java.util.TreeMap<>(a.ipcache()), new java.util.TreeMap<>(a.endpoints()));
        assertEquals(a.digest(), same.digest());
        var ip = new java.util.HashMap<>(a.ipcache());
        ip.put("192.168.0.0/16", new IpcacheMapping(16_777_217, ""));
        assertTrue(NodeView.copyOf(ip, a.endpoints()).digest() != a.digest());
    }
}
