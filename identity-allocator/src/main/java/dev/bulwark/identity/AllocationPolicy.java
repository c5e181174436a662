package dev.bulwark.identity;

import dev.bulwark.model.IdentityLayout;
import dev.bulwark.model.LabelSet;
import dev.bulwark.model.NumericIdentity;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The rules {@link IdentityAllocator#apply} follows. Every replica must run with equal policies (they
 * come from the same configuration), otherwise replicas would diverge.
 *
 * @param clusterId   this cluster's ID, 1..{@code layout.maxClusters()}; identities come only from its range
 * @param layout      how cluster IDs and local bits share the 24-bit space (255 or 511 clusters)
 * @param leaseTtl    how long an owner's references hold without a KeepAlive (log time)
 * @param gracePeriod how long an identity with no reference is kept before it is released
 * @param quarantine  how long a released number is kept out of use
 * @param pinned      user-reserved identities 128..255 pinned to label sets; never allocated, never released
 */
public record AllocationPolicy(int clusterId, IdentityLayout layout, Duration leaseTtl, Duration gracePeriod,
                               Duration quarantine, Map<Integer, LabelSet> pinned) {

    public static final Duration DEFAULT_LEASE_TTL = Duration.ofSeconds(60);
    public static final Duration DEFAULT_GRACE_PERIOD = Duration.ofMinutes(5);
    public static final Duration DEFAULT_QUARANTINE = Duration.ofMinutes(15);
    /**
     * A gap in log time longer than this between two applied entries means nothing could commit for that
     * long (the leader proposes a Tick every second), so no owner could renew its lease either; every live
     * lease then gets a full TTL from the entry that ended the gap. Five Tick periods: long enough that a
     * loaded machine's commit latency does not trigger it, short against any sensible lease TTL.
     */
    public static final Duration LEASE_STALL_GAP = Duration.ofSeconds(5);

    public AllocationPolicy {
        if (layout == null) {
            throw new IllegalArgumentException("layout must be present");
        }
        if (clusterId < 1 || clusterId > layout.maxClusters()) {
            throw new IllegalArgumentException("clusterId: " + clusterId + " is outside 1.." + layout.maxClusters());
        }
        requirePositive("leaseTtl", leaseTtl);
        requirePositive("gracePeriod", gracePeriod);
        requirePositive("quarantine", quarantine);
        Map<LabelSet, Integer> seen = new HashMap<>();
        for (Map.Entry<Integer, LabelSet> e : pinned.entrySet()) {
            int id = e.getKey();
            if (id < NumericIdentity.USER_RESERVED_MIN || id > NumericIdentity.USER_RESERVED_MAX) {
                throw new IllegalArgumentException("pinned[" + id + "]: user-reserved identities are 128..255");
            }
            if (e.getValue().isEmpty()) {
                throw new IllegalArgumentException("pinned[" + id + "]: label set is empty");
            }
            Integer other = seen.put(e.getValue(), id);
            if (other != null) {
                throw new IllegalArgumentException("pinned[" + id + "]: same labels as pinned[" + other + "]");
            }
        }
        pinned = Map.copyOf(pinned);
    }

    /** Cluster {@code clusterId} with the default layout, lease, grace period and quarantine. */
    public static AllocationPolicy defaults(int clusterId) {
        return new AllocationPolicy(clusterId, IdentityLayout.DEFAULT, DEFAULT_LEASE_TTL, DEFAULT_GRACE_PERIOD,
                DEFAULT_QUARANTINE, Map.of());
    }

    public int minIdentity() {
        return layout.minIdentity(clusterId);
    }

    public int maxIdentity() {
        return layout.maxIdentity(clusterId);
    }

    public boolean inRange(int id) {
        return id >= minIdentity() && id <= maxIdentity();
    }

    /** The pinned identity of {@code labels}, if any. */
    public Optional<Integer> pinnedId(LabelSet labels) {
        for (Map.Entry<Integer, LabelSet> e : pinned.entrySet()) {
            if (e.getValue().equals(labels)) {
                return Optional.of(e.getKey());
            }
        }
        return Optional.empty();
    }

    private static void requirePositive(String name, Duration d) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + ": must be a positive duration, was " + d);
        }
    }
}
