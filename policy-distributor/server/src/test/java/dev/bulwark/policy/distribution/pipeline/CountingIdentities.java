package dev.bulwark.policy.distribution.pipeline;

import dev.bulwark.model.LabelSet;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

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

    /**
     * When above 1, each Allocate waits (at most 200 ms) until this many are in flight, so that calls made
     * together are seen together in {@link #mostAllocationsInFlight}.
     */
    volatile int allocationOverlap;
    private final AtomicInteger allocationsInFlight = new AtomicInteger();
    private final AtomicInteger mostAllocationsInFlight = new AtomicInteger();

    private final Set<String> allocationsTried = ConcurrentHashMap.newKeySet();

    @Override
    public Map<LabelSet, Integer> identities(String owner, List<LabelSet> labelSets) {
        allocationsTried.add(owner);
        mostAllocationsInFlight.accumulateAndGet(allocationsInFlight.incrementAndGet(), Math::max);
        try {
            long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(200);
            // Sleeping, not spinning: the calls run on virtual threads, and a spinning one would keep its
            // carrier (one per core) from the others.
            while (allocationsInFlight.get() < allocationOverlap && System.nanoTime() < until) {
                Thread.sleep(1);
            }
            return allocate(owner, labelSets);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IdentityUnavailableException("interrupted", e);
        } finally {
            allocationsInFlight.decrementAndGet();
        }
    }

    /** Owners an Allocate was tried for, including tries that failed. */
    Set<String> allocationsTried() {
        return Set.copyOf(allocationsTried);
    }

    int mostAllocationsInFlight() {
        return mostAllocationsInFlight.get();
    }

    private synchronized Map<LabelSet, Integer> allocate(String owner, List<LabelSet> labelSets) {
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
