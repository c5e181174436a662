package dev.bulwark.mesh.ca;

import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Objects;

/**
 * One generation of a trust domain's signing authority: a root (published in the bundle) and the
 * cluster's intermediate it signed (which signs SVIDs). {@code activateAt} is when it starts signing;
 * it is published in the bundle from the moment it exists. {@code lastIssuedNotAfter} is the latest
 * expiry of an SVID it signed ({@link Instant#MIN} if none), which is how long it must stay trusted.
 */
public record Authority(int generation, X509Certificate root, SigningKey intermediate, Instant activateAt,
                        Instant lastIssuedNotAfter) {

    public Authority {
        Objects.requireNonNull(root, "root");
        Objects.requireNonNull(intermediate, "intermediate");
        Objects.requireNonNull(activateAt, "activateAt");
        Objects.requireNonNull(lastIssuedNotAfter, "lastIssuedNotAfter");
    }

    public Instant notBefore() {
        return intermediate.certificate().getNotBefore().toInstant();
    }

    public Instant notAfter() {
        return intermediate.certificate().getNotAfter().toInstant();
    }

    Authority issued(Instant svidNotAfter) {
        return svidNotAfter.isAfter(lastIssuedNotAfter)
                ? new Authority(generation, root, intermediate, activateAt, svidNotAfter) : this;
    }
}
