package dev.bulwark.chaos.nemesis;

import dev.bulwark.chaos.generator.Targeting;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Partition shapes as grudges (Jepsen's term): for each replica, the replicas whose packets it drops.
 * Pure: the same nodes, leader and choice always give the same grudge.
 */
public final class Grudges {

    private Grudges() {
    }

    /**
     * @param nodes  replica names in a stable order
     * @param leader the current leader, or null if unknown
     * @param choice the plan's seeded choice
     * @return node to the set of nodes whose inbound traffic it drops (absent: drops nothing)
     */
    public static Map<String, Set<String>> of(Targeting targeting, List<String> nodes, String leader, long choice) {
        List<String> order = new ArrayList<>(nodes);
        shuffle(order, choice);
        int n = order.size();
        return switch (targeting) {
            case ONE -> isolate(nodes, List.of(order.getFirst()));
            case LEADER -> isolate(nodes, List.of(leader != null && nodes.contains(leader) ? leader : order.getFirst()));
            case MINORITY -> isolate(nodes, order.subList(0, Math.max(1, n / 3)));
            case MAJORITY -> isolate(nodes, order.subList(0, n - (n / 2 + 1)));
            case MAJORITIES_RING -> ring(order);
        };
    }

    /** Cuts {@code side} off from everyone else in both directions. */
    static Map<String, Set<String>> isolate(List<String> nodes, List<String> side) {
        Map<String, Set<String>> g = new LinkedHashMap<>();
        for (String a : nodes) {
            for (String b : nodes) {
                if (side.contains(a) != side.contains(b)) {
                    g.computeIfAbsent(a, k -> new LinkedHashSet<>()).add(b);
                }
            }
        }
        return g;
    }

    /** Replica i hears only the next majority-1 replicas around the ring (Jepsen's majorities-ring). */
    static Map<String, Set<String>> ring(List<String> ring) {
        int n = ring.size();
        int hear = n / 2;
        Map<String, Set<String>> g = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            for (int offset = hear + 1; offset < n; offset++) {
                g.computeIfAbsent(ring.get(i), k -> new LinkedHashSet<>()).add(ring.get((i + offset) % n));
            }
        }
        return g;
    }

    private static void shuffle(List<String> list, long choice) {
        SplittableRandom r = new SplittableRandom(choice);
        for (int i = list.size() - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            list.set(i, list.set(j, list.get(i)));
        }
    }

    /** A stable text form for the history, e.g. {@code n1<-{n2,n3} n2<-{n1}}. */
    public static String describe(Map<String, Set<String>> grudge) {
        StringBuilder b = new StringBuilder();
        grudge.forEach((node, from) -> {
            if (!b.isEmpty()) {
                b.append(' ');
            }
            b.append(node).append("<-{").append(String.join(",", from)).append('}');
        });
        return b.toString();
    }
}
