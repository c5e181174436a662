package dev.bulwark.identity;

import dev.bulwark.model.LabelSet;
import java.util.List;

/**
 * What a log entry asks the table to do. Inputs are already validated and filtered at the edge (the
 * gRPC service); {@link IdentityAllocator#apply} still rejects what only the table can judge (a full
 * range) with a typed {@link Outcome}.
 */
public sealed interface IdentityCommand {

    /** Resolve each security label set to an identity (allocating as needed) and reference it for {@code owner}. */
    record Allocate(String owner, List<LabelSet> labelSets) implements IdentityCommand {
        public Allocate {
            labelSets = List.copyOf(labelSets);
        }
    }

    /** Drop {@code owner}'s reference on each id; unknown or unreferenced ids are ignored. */
    record Release(String owner, List<Integer> ids) implements IdentityCommand {
        public Release {
            ids = List.copyOf(ids);
        }
    }

    /** Renew (or create) {@code owner}'s lease. */
    record KeepAlive(String owner) implements IdentityCommand {
    }

    /** Let log time pass: expire leases, finish grace periods, end quarantines. Submitted by the leader periodically. */
    record Tick() implements IdentityCommand {
    }
}
