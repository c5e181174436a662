package dev.bulwark.mesh.ca;

import dev.bulwark.mesh.spiffe.SpiffeId;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;

/** An SVID as the CA returns it: chain leaf first, without the root; when it expires and renews. */
public record IssuedSvid(SpiffeId id, List<X509Certificate> chain, Instant notAfter, Instant renewAfter) {

    public IssuedSvid {
        chain = List.copyOf(chain);
    }

    public X509Certificate leaf() {
        return chain.get(0);
    }
}
