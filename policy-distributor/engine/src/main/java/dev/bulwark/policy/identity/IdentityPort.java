package dev.bulwark.policy.identity;

import dev.bulwark.model.LabelSet;
import dev.bulwark.model.NumericIdentity;
import java.util.Map;

/**
 * Where the engine gets cluster identities: a label set to its numeric identity, and the identities
 * already known with their labels. The distributor backs this with the identity allocator; offline
 * commands use {@link SequentialIdentities}. Implementations must return the same identity for equal
 * label sets.
 */
public interface IdentityPort {

    /** The identity of {@code labels}, allocating one if the set is new. */
    NumericIdentity identityFor(LabelSet labels);

    /** Every identity currently known, with its labels (reserved identities excluded). */
    Map<NumericIdentity, LabelSet> known();
}
