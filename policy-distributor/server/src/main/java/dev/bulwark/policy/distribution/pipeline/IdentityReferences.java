package dev.bulwark.policy.distribution.pipeline;

import dev.bulwark.model.LabelSet;
import dev.bulwark.model.NumericIdentity;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The references this distributor holds in the identity store: per owner (a node), the label sets it
 * allocated for that node's pods, with their numbers. A node takes its own reference on every label set
 * of its pods (two nodes running the same app both hold one), so a set stays allocated while any node
 * runs a pod with it, and each node's reference goes when its last such pod does.
 *
 * <p>Fixed identities (reserved, pinned: at most {@link NumericIdentity#USER_RESERVED_MAX}) take no
 * reference in the store, so they are not counted in {@link #expectedReferences}.
 *
 * <p>Thread model: the pipeline thread only.
 */
final class IdentityReferences {

    private final Map<String, Map<LabelSet, Integer>> held = new HashMap<>();

    /** The distinct label sets of {@code wanted} that {@code owner} holds no reference on yet. */
    List<LabelSet> missing(String owner, Collection<LabelSet> wanted) {
        Map<LabelSet, Integer> mine = held.getOrDefault(owner, Map.of());
        return wanted.stream().distinct().filter(s -> !mine.containsKey(s)).toList();
    }

    /** Per owner, the label sets of {@code wanted} it holds no reference on; owners missing none are left out. */
    Map<String, List<LabelSet>> missing(Map<String, List<LabelSet>> wanted) {
        Map<String, List<LabelSet>> out = new HashMap<>();
        wanted.forEach((owner, sets) -> {
            List<LabelSet> m = missing(owner, sets);
            if (!m.isEmpty()) {
                out.put(owner, m);
            }
        });
        return out;
    }

    /** {@code owner} now holds a reference on each of {@code ids} (an Allocate answered). */
    void allocated(String owner, Map<LabelSet, Integer> ids) {
        if (!ids.isEmpty()) {
            held.computeIfAbsent(owner, o -> new HashMap<>()).putAll(ids);
        }
    }

    /** The number of every label set some owner holds. */
    Map<LabelSet, Integer> numbers() {
        Map<LabelSet, Integer> out = new HashMap<>();
        held.values().forEach(out::putAll);
        return out;
    }

    /** Per owner, the held label sets (with their numbers) that {@code wanted} no longer lists for it. */
    Map<String, Map<LabelSet, Integer>> unwanted(Map<String, ? extends Collection<LabelSet>> wanted) {
        Map<String, Map<LabelSet, Integer>> out = new HashMap<>();
        held.forEach((owner, mine) -> {
            Collection<LabelSet> listed = wanted.get(owner);
            Set<LabelSet> keep = listed == null ? Set.of() : new HashSet<>(listed);
            mine.forEach((set, id) -> {
                if (!keep.contains(set)) {
                    out.computeIfAbsent(owner, o -> new HashMap<>()).put(set, id);
                }
            });
        });
        return out;
    }

    /** {@code owner}'s references on {@code sets} were released. */
    void released(String owner, Collection<LabelSet> sets) {
        Map<LabelSet, Integer> mine = held.get(owner);
        if (mine != null) {
            sets.forEach(mine::remove);
            if (mine.isEmpty()) {
                held.remove(owner);
            }
        }
    }

    /** The numbers {@code owner} holds. */
    Set<Integer> idsHeldBy(String owner) {
        return new HashSet<>(held.getOrDefault(owner, Map.of()).values());
    }

    /** Owners holding at least one reference. */
    List<String> owners() {
        return new ArrayList<>(held.keySet());
    }

    /** References the store should count for {@code owner}: its held identities outside the fixed range. */
    int expectedReferences(String owner) {
        return (int) held.getOrDefault(owner, Map.of()).values().stream()
                .filter(id -> id > NumericIdentity.USER_RESERVED_MAX).count();
    }

    /** Per owner, {@link #expectedReferences}. */
    Map<String, Integer> expectedByOwner() {
        Map<String, Integer> out = new HashMap<>();
        held.keySet().forEach(owner -> out.put(owner, expectedReferences(owner)));
        return out;
    }

    /** Forgets {@code owner}'s references (the store dropped them): the next recompute allocates them again. */
    void forget(String owner) {
        held.remove(owner);
    }
}
