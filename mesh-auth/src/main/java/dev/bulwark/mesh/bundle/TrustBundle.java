package dev.bulwark.mesh.bundle;

import dev.bulwark.mesh.spiffe.TrustDomain;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The X.509 authorities of one trust domain at one {@code sequence}. Sequence numbers strictly
 * increase on every content change (SPIFFE bundle §4.1.1). No authorities means every SVID of the
 * trust domain is invalid (§4.1.3).
 *
 * @param refreshHint how often consumers should poll; {@link Duration#ZERO} for none
 */
public record TrustBundle(TrustDomain trustDomain, long sequence, List<X509Certificate> authorities,
                          Duration refreshHint) {

    public TrustBundle {
        Objects.requireNonNull(trustDomain, "trustDomain");
        authorities = List.copyOf(authorities);
        if (sequence < 0) {
            throw new IllegalArgumentException("sequence: must be >= 0, got " + sequence);
        }
        if (refreshHint.isNegative()) {
            throw new IllegalArgumentException("refreshHint: must not be negative, got " + refreshHint);
        }
    }

    /** A copy with {@code authorities}, at the next sequence number if they differ from these. */
    public TrustBundle withAuthorities(List<X509Certificate> next) {
        return next.equals(authorities) ? this : new TrustBundle(trustDomain, sequence + 1, next, refreshHint);
    }
}
