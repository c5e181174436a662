package dev.bulwark.policy.compile;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What one engine operation touched: endpoints to recompile whole, the remote-identity slices to
 * recompile in others, endpoints deleted. Sorted, so deltas come out in a deterministic order.
 */
final class ChangeSet {
    final Set<String> full = new TreeSet<>();
    final Map<String, Set<Integer>> slices = new TreeMap<>();
    final Set<String> deleted = new TreeSet<>();

    void clear() {
        full.clear();
        slices.clear();
        deleted.clear();
    }
}
