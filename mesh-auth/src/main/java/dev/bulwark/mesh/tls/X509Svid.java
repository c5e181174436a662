package dev.bulwark.mesh.tls;

import dev.bulwark.mesh.spiffe.SpiffeId;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/** An SVID its holder can present: the chain (leaf first, no root) and the leaf's private key. */
public record X509Svid(SpiffeId id, List<X509Certificate> chain, PrivateKey privateKey) {

    public X509Svid {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(privateKey, "privateKey");
        chain = List.copyOf(chain);
        if (chain.isEmpty()) {
            throw new IllegalArgumentException("chain: must hold at least the leaf");
        }
    }

    public X509Certificate leaf() {
        return chain.getFirst();
    }

    public Instant notAfter() {
        return leaf().getNotAfter().toInstant();
    }

    @Override
    public String toString() {
        return "X509Svid[" + id + ", notAfter=" + notAfter() + "]";
    }
}
