package dev.bulwark.mesh.ca;

import dev.bulwark.mesh.spiffe.TrustDomain;
import java.time.Duration;
import java.util.Objects;

/**
 * What a trust domain's CA is: its name, this cluster's name (in the intermediate's subject), the key
 * algorithm, lifetimes, how long a new authority is published before it signs (the federation spec
 * asks for 3-5 refresh hints), and the bundle refresh hint.
 */
public record CaSettings(TrustDomain trustDomain, String clusterName, KeyAlgorithm keyAlgorithm, SvidPolicy policy,
                         Duration publishAhead, Duration refreshHint) {

    public CaSettings {
        Objects.requireNonNull(trustDomain, "trustDomain");
        Objects.requireNonNull(keyAlgorithm, "keyAlgorithm");
        Objects.requireNonNull(policy, "policy");
        if (clusterName == null || clusterName.isBlank()) {
            throw new IllegalArgumentException("clusterName: required");
        }
        if (publishAhead.isNegative()) {
            throw new IllegalArgumentException("publishAhead: must not be negative, got " + publishAhead);
        }
        if (refreshHint.isNegative()) {
            throw new IllegalArgumentException("refreshHint: must not be negative, got " + refreshHint);
        }
    }

    /** EC P-256, SPIRE's lifetimes, 5 min refresh hint, published 3 hints (15 min) before use. */
    public static CaSettings defaults(TrustDomain td, String clusterName) {
        return new CaSettings(td, clusterName, KeyAlgorithm.EC_P256, SvidPolicy.DEFAULT, Duration.ofMinutes(15),
                Duration.ofMinutes(5));
    }

    public CaSettings withKeyAlgorithm(KeyAlgorithm alg) {
        return new CaSettings(trustDomain, clusterName, alg, policy, publishAhead, refreshHint);
    }
}
