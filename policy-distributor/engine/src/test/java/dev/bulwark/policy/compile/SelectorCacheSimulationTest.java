package dev.bulwark.policy.compile;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.bulwark.model.LabelSet;
import dev.bulwark.policy.api.IdentityLabels;
import dev.bulwark.policy.api.Requirement;
import dev.bulwark.policy.api.Selector;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The selector cache's index (selectors filed under one pinned label value) must never change what it
 * answers: after every random register, unregister, identity add and remove, each selector's selection
 * and the selectors an add or remove reports equal a brute-force match of every selector.
 */
class SelectorCacheSimulationTest {

    private static final List<String> KEYS = List.of("k8s:app", "k8s:tier", "any:app", SelectorCache.NAMESPACE_KEY,
            "any:io.kubernetes.pod.namespace", "container:app");
    private static final List<String> VALUES = List.of("a", "b", "c");

    @Test
    void indexedAnswersEqualBruteForce() {
        long seed = new Random().nextLong();
        System.out.println("SelectorCacheSimulationTest seed " + seed);
        Random rnd = new Random(seed);
        SelectorCache cache = new SelectorCache();
        Map<Selector, Integer> users = new HashMap<>();
        Map<Integer, IdentityLabels> ids = new HashMap<>();
        int nextId = 1;
        for (int step = 0; step < 4_000; step++) {
            int op = rnd.nextInt(4);
            if (op == 0) {
                Selector s = randomSelector(rnd);
                cache.register(s);
                users.merge(s, 1, Integer::sum);
            } else if (op == 1 && !users.isEmpty()) {
                Selector s = new ArrayList<>(users.keySet()).get(rnd.nextInt(users.size()));
                cache.unregister(s);
                if (users.merge(s, -1, Integer::sum) == 0) {
                    users.remove(s);
                }
            } else if (op == 2) {
                int id = nextId++;
                IdentityLabels labels = randomLabels(rnd);
                ids.put(id, labels);
                Set<Selector> reported = new HashSet<>(cache.addIdentity(id, labels));
                assertEquals(matching(users.keySet(), labels), reported, "seed " + seed + " step " + step + ": add " + id);
            } else if (op == 3 && !ids.isEmpty()) {
                int id = new ArrayList<>(ids.keySet()).get(rnd.nextInt(ids.size()));
                IdentityLabels labels = ids.remove(id);
                assertEquals(matching(users.keySet(), labels), new HashSet<>(cache.selecting(id)),
                        "seed " + seed + " step " + step + ": selecting " + id);
                Set<Selector> reported = new HashSet<>(cache.removeIdentity(id));
                assertEquals(matching(users.keySet(), labels), reported, "seed " + seed + " step " + step + ": remove " + id);
            }
            for (Selector s : users.keySet()) {
                Set<Integer> expected = ids.entrySet().stream().filter(e -> s.matches(e.getValue()))
                        .map(Map.Entry::getKey).collect(Collectors.toSet());
                assertEquals(expected, cache.selected(s), "seed " + seed + " step " + step + ": " + s);
            }
        }
    }

    private static Set<Selector> matching(Set<Selector> selectors, IdentityLabels labels) {
        return selectors.stream().filter(s -> s.matches(labels)).collect(Collectors.toSet());
    }

    private static Selector randomSelector(Random rnd) {
        int n = rnd.nextInt(4); // 0: selects everything
        List<Requirement> reqs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String key = KEYS.get(rnd.nextInt(KEYS.size()));
            Requirement.Operator op = Requirement.Operator.values()[rnd.nextInt(Requirement.Operator.values().length)];
            List<String> values = switch (op) {
                case IN, NOT_IN -> rnd.nextInt(3) == 0 ? List.of("a", "b") : List.of(VALUES.get(rnd.nextInt(VALUES.size())));
                default -> List.of();
            };
            reqs.add(new Requirement(key, op, values));
        }
        return Selector.of(reqs);
    }

    private static IdentityLabels randomLabels(Random rnd) {
        List<String> labels = new ArrayList<>();
        labels.add("k8s:io.kubernetes.pod.namespace=" + VALUES.get(rnd.nextInt(VALUES.size())));
        for (String text : List.of("k8s:app", "k8s:tier", "container:app")) {
            if (rnd.nextInt(3) > 0) {
                labels.add(text + "=" + VALUES.get(rnd.nextInt(VALUES.size())));
            }
        }
        return new IdentityLabels(LabelSet.parse(labels));
    }
}
