package dev.bulwark.policy.distribution.pipeline;

import dev.bulwark.model.LabelSet;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Label sets to numeric identities, allocating as needed, with {@code owner} (a node name) taking a
 * reference; the owner's references are dropped by {@link #release} or when its lease, renewed by
 * {@link #keepAlive}, runs out; {@link #referencesOf} lists them. The product implementation is {@link GrpcIdentitySource}
 * (IdentityService.Allocate, Release, KeepAlive, List). Implementations may throw
 * {@link IdentityUnavailableException}; the pipeline then keeps the last state and retries. They must take
 * concurrent calls: the pipeline allocates and lease renewal renews for many nodes at once
 * ({@link StoreCalls}).
 */
public interface IdentitySource {

    /** The numbers of {@code labelSets}, allocating the new ones; {@code owner} takes a reference on each. */
    Map<LabelSet, Integer> identities(String owner, List<LabelSet> labelSets);

    /** Drops {@code owner}'s references on {@code ids} (idempotent). */
    void release(String owner, Collection<Integer> ids);

    /** Renews {@code owner}'s lease. */
    Lease keepAlive(String owner);

    /** The identities each of {@code owners} references in the store now (owners with none are left out). */
    Map<String, Set<Integer>> referencesOf(Set<String> owners);

    /**
     * An owner's lease after a renewal.
     *
     * @param ttl        how long the references hold without another renewal
     * @param references identities the owner references now (fixed identities take none)
     */
    record Lease(Duration ttl, int references) {
    }

    /** The identity service could not answer (no leader, unreachable). */
    final class IdentityUnavailableException extends RuntimeException {
        public IdentityUnavailableException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
