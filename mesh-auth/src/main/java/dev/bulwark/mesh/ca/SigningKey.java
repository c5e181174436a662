package dev.bulwark.mesh.ca;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;

/**
 * A signing certificate with its private key, and the chain from it up to (not including) the root
 * that is published in the bundle. The private key never leaves the CA process.
 */
public record SigningKey(X509Certificate certificate, PrivateKey privateKey, List<X509Certificate> chainAboveRoot) {

    public SigningKey {
        Objects.requireNonNull(certificate, "certificate");
        Objects.requireNonNull(privateKey, "privateKey");
        chainAboveRoot = List.copyOf(chainAboveRoot);
    }

    @Override
    public String toString() {
        // Never print the key.
        return "SigningKey[" + certificate.getSubjectX500Principal() + "]";
    }
}
