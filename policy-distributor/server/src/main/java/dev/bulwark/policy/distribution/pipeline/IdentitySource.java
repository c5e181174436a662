package dev.bulwark.policy.distribution.pipeline;

import dev.bulwark.model.LabelSet;
import java.util.List;
import java.util.Map;

/**
 * Label sets to numeric identities, allocating as needed, with {@code owner} (a node name) taking a
 * reference. The product implementation is {@link GrpcIdentitySource} (IdentityService.Allocate).
 * Implementations may throw {@link IdentityUnavailableException}; the pipeline then keeps the last state
 * and retries.
 */
public interface IdentitySource {

    Map<LabelSet, Integer> identities(String owner, List<LabelSet> labelSets);

    /** The identity service could not answer (no leader, unreachable). */
    final class IdentityUnavailableException extends RuntimeException {
        public IdentityUnavailableException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
