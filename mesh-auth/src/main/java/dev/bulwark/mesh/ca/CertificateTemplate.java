package dev.bulwark.mesh.ca;

import dev.bulwark.mesh.spiffe.SpiffeId;
import java.math.BigInteger;
import java.security.PublicKey;
import java.time.Instant;
import java.util.Objects;

/**
 * What to certify: the SPIFFE ID (the only URI SAN), the subject public key, validity and serial.
 * {@code ca} selects a signing certificate (CA:TRUE, keyCertSign|cRLSign, root ID) rather than a leaf
 * (CA:FALSE, critical digitalSignature, EKU serverAuth+clientAuth).
 */
public record CertificateTemplate(SpiffeId id, String commonName, PublicKey publicKey, Instant notBefore,
                                  Instant notAfter, BigInteger serial, boolean ca) {

    public CertificateTemplate {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(publicKey, "publicKey");
        if (!notAfter.isAfter(notBefore)) {
            throw new IllegalArgumentException("notAfter " + notAfter + " is not after notBefore " + notBefore);
        }
        if (serial.signum() <= 0 || serial.bitLength() < 64) {
            throw new IllegalArgumentException("serial must be positive with at least 64 random bits");
        }
        if (ca != id.isRoot()) {
            throw new IllegalArgumentException(ca ? "a signing certificate's ID has no path: " + id
                    : "a leaf's ID has a non-root path: " + id);
        }
    }
}
