package dev.bulwark.mesh.tls;

import dev.bulwark.mesh.ca.CertificateAuthority;
import dev.bulwark.mesh.ca.IssuedSvid;
import dev.bulwark.mesh.ca.KeyAlgorithm;
import dev.bulwark.mesh.spiffe.SpiffeId;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
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

    /**
     * A fresh key pair of {@code algorithm} certified in-process by {@code ca} for {@code id}: for holders that
     * live beside the CA (the bench, tests). Agents go through MeshCA with a CSR so their key never leaves them.
     */
    public static X509Svid issue(CertificateAuthority ca, SpiffeId id, KeyAlgorithm algorithm, Duration requestedTtl,
                                 SecureRandom random) {
        KeyPair kp = algorithm.generate(random);
        IssuedSvid issued = ca.issue(id, kp.getPublic(), requestedTtl);
        return new X509Svid(issued.id(), issued.chain(), kp.getPrivate());
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
