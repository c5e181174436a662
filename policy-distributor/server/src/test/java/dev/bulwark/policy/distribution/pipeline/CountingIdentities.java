package dev.bulwark.policy.distribution.pipeline;

import dev.bulwark.model.LabelSet;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Test identity source: sequential numbers from 256, one per distinct label set, with each owner's
 * references and lease renewals counted as the store would; can be made unavailable, made to fail the
 * next call with another error, or made to drop an owner's references (a lease that ran out).
 */
final class CountingIdentities implements IdentitySource {
    private final Map<LabelSet, Integer> ids = new HashMap<>();
    private final Map<String, Set<Integer>> references = new HashMap<>();
    private final Map<String, Integer> renewals = new HashMap<>();
    volatile boolean unavailable;
    /** Thrown by the next call (then cleared): an error other than "unavailable". */
    volatile RuntimeException failNext;

    @Override
    public synchronized Map<LabelSet, Integer> identities(String owner, List<LabelSet> labelSets) {
        check();
        Map<LabelSet, Integer> out = new HashMap<>();
        labelSets.forEach(s -> out.put(s, ids.computeIfAbsent(s, k -> 256 + ids.size())));
        references.computeIfAbsent(owner, o -> new TreeSet<>()).addAll(out.values());
        return out;
    }

    @Override
    public synchronized void release(String owner, Collection<Integer> released) {
        check();
        references.getOrDefault(owner, new TreeSet<>()).removeAll(released);
    }

    @Override
    public synchronized Lease keepAlive(String owner) {
        check();
        renewals.merge(owner, 1, Integer::sum);
        return new Lease(Duration.ofSeconds(60), references.getOrDefault(owner, Set.of()).size());
    }

    @Override
    public synchronized Map<String, Set<Integer>> referencesOf(Set<String> owners) {
        check();
        Map<String, Set<Integer>> out = new HashMap<>();
        references.forEach((owner, ids) -> {
            if (owners.contains(owner) && !ids.isEmpty()) {
                out.put(owner, Set.copyOf(ids));
            }
        });
        return out;
    }

    private void check() {
        RuntimeException failure = failNext;
        if (failure != null) {
            failNext = null;
            throw failure;
        }
        if (unavailable) {
            throw new IdentityUnavailableException("no leader", null);
        }
    }

    synchronized int idOf(LabelSet labels) {
        return ids.get(labels);
    }

    /** The identities {@code owner} references now. */
    synchronized Set<Integer> referencedBy(String owner) {
        return Set.copyOf(references.getOrDefault(owner, Set.of()));
    }

    synchronized int renewals(String owner) {
        return renewals.getOrDefault(owner, 0);
    }

    /** A reference taken before the pipeline started (by an earlier distributor). */
    synchronized void seedReference(String owner, int id) {
        references.computeIfAbsent(owner, o -> new TreeSet<>()).add(id);
    }

    /** As the store does when an owner's lease runs out. */
    synchronized void dropReferences(String owner) {
        references.remove(owner);
    }
}
