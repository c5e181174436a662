package dev.bulwark.identity;

import dev.bulwark.model.LabelSet;
import java.util.List;

/**
 * The result of one {@link IdentityCommand}, computed identically on every replica. The gRPC edge
 * maps these to responses and status codes in one place.
 */
public sealed interface Outcome {

    /** One resolved label set. */
    record Allocation(int id, boolean created, LabelSet labels) {
    }

    /** Every label set resolved, in command order. */
    record Allocated(List<Allocation> allocations, long revision) implements Outcome {
        public Allocated {
            allocations = List.copyOf(allocations);
        }
    }

    /** References dropped (or there were none to drop). */
    record Released(long revision) implements Outcome {
    }

    /** Lease renewed until {@code expiresAtMs}. */
    record KeptAlive(long ttlMs, int references, long revision) implements Outcome {
    }

    /** Log time advanced. */
    record Ticked(long revision) implements Outcome {
    }

    /**
     * The cluster's range {@code min..max} has too few free numbers (numbers in quarantine are not
     * free) for the new label sets of this command; nothing was changed.
     */
    record RangeExhausted(int clusterId, int min, int max, int needed, int free) implements Outcome {
    }
}
