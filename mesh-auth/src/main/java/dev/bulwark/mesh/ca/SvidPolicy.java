package dev.bulwark.mesh.ca;

import java.time.Duration;
import java.time.Instant;
import java.util.random.RandomGenerator;

/**
 * Lifetimes of what the CA signs, and when holders renew. Defaults follow SPIRE: SVID 1 h, signing
 * authority 24 h, notBefore back-dated 10 s for clock skew; SVIDs renew at half-life with ±10 % jitter
 * so a fleet does not renew in one burst.
 *
 * @param defaultSvidTtl lifetime when the request asks for none
 * @param maxSvidTtl longest lifetime a request may ask for
 * @param authorityTtl lifetime of a signing authority (root and intermediate of one generation)
 * @param backdate how far before "now" notBefore is set
 */
public record SvidPolicy(Duration defaultSvidTtl, Duration maxSvidTtl, Duration authorityTtl, Duration backdate) {

    public static final SvidPolicy DEFAULT = new SvidPolicy(Duration.ofHours(1), Duration.ofHours(24),
            Duration.ofHours(24), Duration.ofSeconds(10));

    public SvidPolicy {
        positive("defaultSvidTtl", defaultSvidTtl);
        positive("maxSvidTtl", maxSvidTtl);
        positive("authorityTtl", authorityTtl);
        if (backdate.isNegative()) {
            throw new IllegalArgumentException("backdate: must not be negative, got " + backdate);
        }
        if (defaultSvidTtl.compareTo(maxSvidTtl) > 0) {
            throw new IllegalArgumentException("defaultSvidTtl: " + defaultSvidTtl + " exceeds maxSvidTtl " + maxSvidTtl);
        }
    }

    private static void positive(String name, Duration d) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + ": must be a positive duration, got " + d);
        }
    }

    /** The lifetime to grant: the default for 0, otherwise the request capped at the maximum. */
    public Duration ttlFor(Duration requested) {
        if (requested.isZero() || requested.isNegative()) {
            return defaultSvidTtl;
        }
        return requested.compareTo(maxSvidTtl) > 0 ? maxSvidTtl : requested;
    }

    /** When a holder of a certificate valid {@code [notBefore, notAfter)} renews: half-life ± 10 %. */
    public static Instant renewAt(Instant notBefore, Instant notAfter, RandomGenerator random) {
        long life = Duration.between(notBefore, notAfter).toMillis();
        double jitter = (random.nextDouble() * 0.2) - 0.1;
        return notBefore.plusMillis(Math.round(life * (0.5 + jitter)));
    }
}
