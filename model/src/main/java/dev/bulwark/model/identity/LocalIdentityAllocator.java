package dev.bulwark.model.identity;

import dev.bulwark.model.Label;
import dev.bulwark.model.LabelSet;
import dev.bulwark.model.NumericIdentity;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Node-local identities for CIDR and FQDN selectors (Cilium's local scope): numbers {@code 1..2^24-1}
 * with bit 24 set, allocated on one node, never replicated and never sent to the identity-allocator.
 * The policy compiler and the node agent each own one instance.
 *
 * <p>Each {@link #allocate} takes a reference; {@link #release} drops one, and the number is freed
 * when the last reference goes. Freed numbers are reused only after the counter has gone round the
 * whole space, so a stale policy entry is not silently re-pointed at a new CIDR soon after.
 *
 * <p>Thread model: every public method is {@code synchronized}; calls are short (map operations).
 */
public final class LocalIdentityAllocator {

    private final int maxLocal;
    private final Map<LabelSet, Entry> byLabels = new HashMap<>();
    private final Map<Integer, Entry> byNumber = new HashMap<>();
    private int next = 1;

    private static final class Entry {
        final NumericIdentity identity;
        final LabelSet labels;
        int references;

        Entry(NumericIdentity identity, LabelSet labels) {
            this.identity = identity;
            this.labels = labels;
        }
    }

    /** An allocator over the whole local space, {@code 1..2^24-1}. */
    public LocalIdentityAllocator() {
        this(NumericIdentity.LOCAL_MAX);
    }

    /** An allocator over {@code 1..maxLocal} (a smaller space makes exhaustion testable). */
    public LocalIdentityAllocator(int maxLocal) {
        if (maxLocal < 1 || maxLocal > NumericIdentity.LOCAL_MAX) {
            throw new IllegalArgumentException("maxLocal must be 1.." + NumericIdentity.LOCAL_MAX + ", was " + maxLocal);
        }
        this.maxLocal = maxLocal;
    }

    /**
     * The local identity of {@code labels}, allocating it if needed, and one more reference on it.
     *
     * @throws IllegalArgumentException if the set has no {@code cidr:} or {@code fqdn:} label (those
     *                                  identities are cluster-wide and come from the identity-allocator)
     * @throws LocalIdentitiesExhaustedException when every local number is in use
     */
    public synchronized NumericIdentity allocate(LabelSet labels) {
        requireLocalScope(labels);
        Entry e = byLabels.get(labels);
        if (e == null) {
            e = new Entry(NumericIdentity.of(NumericIdentity.LOCAL_FLAG | freeNumber()), labels);
            byLabels.put(labels, e);
            byNumber.put(e.identity.value(), e);
        }
        e.references++;
        return e.identity;
    }

    /**
     * Drops one reference; frees the number when none remain. Returns true if the identity was freed.
     * Releasing an unknown identity does nothing and returns false.
     */
    public synchronized boolean release(NumericIdentity identity) {
        Entry e = byNumber.get(identity.value());
        if (e == null) {
            return false;
        }
        if (--e.references > 0) {
            return false;
        }
        byNumber.remove(identity.value());
        byLabels.remove(e.labels);
        return true;
    }

    public synchronized Optional<NumericIdentity> lookup(LabelSet labels) {
        return Optional.ofNullable(byLabels.get(labels)).map(e -> e.identity);
    }

    public synchronized Optional<LabelSet> lookup(NumericIdentity identity) {
        return Optional.ofNullable(byNumber.get(identity.value())).map(e -> e.labels);
    }

    /** Identities currently allocated. */
    public synchronized int size() {
        return byNumber.size();
    }

    private int freeNumber() {
        if (byNumber.size() >= maxLocal) {
            throw new LocalIdentitiesExhaustedException(maxLocal);
        }
        while (byNumber.containsKey(NumericIdentity.LOCAL_FLAG | next)) {
            next = next == maxLocal ? 1 : next + 1;
        }
        int n = next;
        next = next == maxLocal ? 1 : next + 1;
        return n;
    }

    private static void requireLocalScope(LabelSet labels) {
        for (Label l : labels) {
            if (l.source().equals(Label.SOURCE_CIDR) || l.source().equals(Label.SOURCE_FQDN)) {
                return;
            }
        }
        throw new IllegalArgumentException("labels \"" + labels
                + "\": a node-local identity needs a cidr: or fqdn: label; other label sets get cluster-wide identities");
    }

    /** Every local number is in use. */
    public static final class LocalIdentitiesExhaustedException extends IllegalStateException {
        public LocalIdentitiesExhaustedException(int size) {
            super("all " + size + " node-local identities are in use");
        }
    }
}
