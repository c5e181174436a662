package dev.bulwark.identity;

import dev.bulwark.model.Label;
import dev.bulwark.model.LabelSet;
import dev.bulwark.model.ReservedIdentity;
import java.util.Optional;

/**
 * Label sets whose identity is fixed rather than allocated: Cilium's reserved identities 1..10 and the
 * user-reserved identities 128..255 pinned by configuration. Fixed identities take no references and
 * are never released.
 */
public final class FixedIdentities {

    /** Built once: {@link ReservedIdentity#label()} builds (and validates) a new label on every call. */
    private static final Label HOST = ReservedIdentity.HOST.label();

    private FixedIdentities() {
    }

    /**
     * The fixed identity of {@code labels}: a pinned set; any set containing {@code reserved:host}
     * (Cilium gives host endpoints the host identity whatever else they carry); or a set that is exactly
     * one known {@code reserved:} label.
     */
    public static Optional<Integer> of(LabelSet labels, AllocationPolicy policy) {
        Optional<Integer> pinned = policy.pinnedId(labels);
        if (pinned.isPresent()) {
            return pinned;
        }
        if (labels.contains(HOST)) {
            return Optional.of(ReservedIdentity.HOST.id());
        }
        if (labels.size() == 1) {
            Label only = labels.labels().getFirst();
            if (only.source().equals(Label.SOURCE_RESERVED) && only.value().isEmpty()) {
                return ReservedIdentity.byLabelName(only.key()).map(ReservedIdentity::id);
            }
        }
        return Optional.empty();
    }
}
