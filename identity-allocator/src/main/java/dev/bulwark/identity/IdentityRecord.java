package dev.bulwark.identity;

import dev.bulwark.model.LabelSet;
import java.util.List;

/**
 * One allocated identity as the table stores it.
 *
 * @param id                  the numeric identity, inside this cluster's range
 * @param labels              the security-relevant labels it stands for
 * @param owners              owners holding a reference, sorted, no duplicates; empty in the grace period
 * @param createdRevision     the revision of its allocation
 * @param createdMs           leader-stamped log time of its allocation, ms since the epoch
 * @param unreferencedSinceMs when its last reference was dropped (log time, ms); 0 while referenced
 */
public record IdentityRecord(int id, LabelSet labels, List<String> owners, long createdRevision,
                             long createdMs, long unreferencedSinceMs) {

    public IdentityRecord {
        owners = List.copyOf(owners);
    }

    IdentityRecord withOwners(List<String> newOwners, long unreferencedSince) {
        return new IdentityRecord(id, labels, newOwners, createdRevision, createdMs, unreferencedSince);
    }
}
