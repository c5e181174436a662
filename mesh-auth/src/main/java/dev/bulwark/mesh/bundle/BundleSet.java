package dev.bulwark.mesh.bundle;

import dev.bulwark.mesh.spiffe.TrustDomain;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The trust bundles a peer trusts, keyed by trust domain. A chain is validated only against the
 * bundle of the presented SVID's own trust domain; bundles are never merged (federation §4.2).
 * Immutable.
 */
public record BundleSet(Map<TrustDomain, TrustBundle> bundles) {

    public static final BundleSet EMPTY = new BundleSet(Map.of());

    public BundleSet {
        bundles = Map.copyOf(bundles);
        bundles.forEach((td, b) -> {
            if (!b.trustDomain().equals(td)) {
                throw new IllegalArgumentException("bundle of " + b.trustDomain() + " filed under " + td);
            }
        });
    }

    public static BundleSet of(TrustBundle... bundles) {
        BundleSet s = EMPTY;
        for (TrustBundle b : bundles) {
            s = s.with(b);
        }
        return s;
    }

    public Optional<TrustBundle> get(TrustDomain td) {
        return Optional.ofNullable(bundles.get(td));
    }

    /**
     * This set with {@code bundle} replacing its trust domain's bundle, unless the held one has a
     * higher sequence (the newest bundle wins; a stale fetch never rolls a bundle back).
     */
    public BundleSet with(TrustBundle bundle) {
        TrustBundle held = bundles.get(bundle.trustDomain());
        if (held != null && held.sequence() > bundle.sequence()) {
            return this;
        }
        Map<TrustDomain, TrustBundle> next = new TreeMap<>(bundles);
        next.put(bundle.trustDomain(), bundle);
        return new BundleSet(next);
    }

    /** This set without {@code td}'s bundle: ends a federation relationship. */
    public BundleSet without(TrustDomain td) {
        Map<TrustDomain, TrustBundle> next = new TreeMap<>(bundles);
        next.remove(td);
        return new BundleSet(next);
    }

    public Collection<TrustBundle> all() {
        return new TreeMap<>(bundles).values();
    }
}
