package dev.bulwark.policy.distribution.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.bulwark.model.LabelSet;
import dev.bulwark.testkit.Seeds;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

/**
 * Random pod churn over five nodes, with leases lapsing now and then, driven the way the pipeline drives
 * {@link IdentityReferences} (allocate what a node lacks; after a publish, release what no pod of the node
 * has; a renewal that finds fewer references forgets the node). After every publish, each node references
 * in the store exactly the identities of its pods' label sets (fixed identities take no reference), and
 * every pod's label set has the store's number.
 */
class IdentityReferencesSimulationTest {

    private static final List<String> NODES = List.of("n0", "n1", "n2", "n3", "n4");
    /** Label set index 0 is pinned (a fixed identity below 256: no reference in the store). */
    private static final int SETS = 8;

    /** The identity store as far as references go: one number per set, references per owner. */
    private static final class Store {
        final Map<LabelSet, Integer> ids = new HashMap<>();
        final Map<String, Set<Integer>> refs = new HashMap<>();

        Map<LabelSet, Integer> allocate(String owner, List<LabelSet> sets) {
            Map<LabelSet, Integer> out = new HashMap<>();
            for (LabelSet s : sets) {
                int id = s.equals(set(0)) ? 200 : ids.computeIfAbsent(s, k -> 256 + ids.size());
                out.put(s, id);
                if (id > 255) {
                    refs.computeIfAbsent(owner, o -> new TreeSet<>()).add(id);
                }
            }
            return out;
        }

        Set<Integer> of(String owner) {
            return refs.computeIfAbsent(owner, o -> new TreeSet<>());
        }
    }

    @Test
    void everyNodeReferencesExactlyWhatItsPodsNeed() throws Exception {
        Seeds.run("identity references follow the pods", random -> {
            for (int run = 0; run < 50; run++) {
                simulate(random);
            }
        });
    }

    private static void simulate(RandomGenerator random) {
        Store store = new Store();
        IdentityReferences refs = new IdentityReferences();
        List<String[]> pods = new ArrayList<>(); // {node, set index}
        for (int step = 0; step < 200; step++) {
            int what = random.nextInt(10);
            if (what < 5 || pods.isEmpty()) {
                pods.add(new String[] {NODES.get(random.nextInt(NODES.size())), Integer.toString(random.nextInt(SETS))});
            } else if (what < 9) {
                pods.remove(random.nextInt(pods.size()));
            } else {
                String lapsed = NODES.get(random.nextInt(NODES.size()));
                store.refs.remove(lapsed); // the store drops the node's references: its lease ran out
                for (Map.Entry<String, Integer> e : refs.expectedByOwner().entrySet()) {
                    if (store.of(e.getKey()).size() < e.getValue()) {
                        refs.forget(e.getKey());
                    }
                }
            }
            // A recompute, its publish, then the releases.
            Map<String, List<LabelSet>> wanted = new TreeMap<>();
            for (String[] p : pods) {
                wanted.computeIfAbsent(p[0], n -> new ArrayList<>()).add(set(Integer.parseInt(p[1])));
            }
            wanted.forEach((node, sets) -> {
                List<LabelSet> missing = refs.missing(node, sets);
                if (!missing.isEmpty()) {
                    refs.allocated(node, store.allocate(node, missing));
                }
            });
            Map<LabelSet, Integer> numbers = refs.numbers();
            refs.unwanted(wanted).forEach((node, sets) -> {
                store.of(node).removeAll(sets.values());
                refs.released(node, sets.keySet());
            });

            for (String node : NODES) {
                Set<Integer> needed = new HashSet<>();
                for (LabelSet s : wanted.getOrDefault(node, List.of())) {
                    assertEquals(store.ids.getOrDefault(s, 200), numbers.get(s), "number of " + s + " at step " + step);
                    if (numbers.get(s) > 255) {
                        needed.add(numbers.get(s));
                    }
                }
                assertEquals(needed, store.of(node), "references of " + node + " at step " + step);
                assertEquals(needed.size(), refs.expectedReferences(node), "expected references of " + node + " at step " + step);
            }
        }
    }

    private static LabelSet set(int i) {
        return LabelSet.parse(List.of("k8s:app=a" + i, "k8s:io.kubernetes.pod.namespace=shop"));
    }
}
