package dev.bulwark.mesh.ca;

import dev.bulwark.mesh.spiffe.SpiffeId;
import java.security.KeyPair;
import java.security.cert.X509Certificate;

/**
 * Builds and reads X.509 structures. The port keeps ASN.1 (BouncyCastle) out of the CA's policy.
 * Implementations are stateless and thread-safe.
 */
public interface CertificateSigner {

    /** A self-signed signing certificate for a root authority. */
    X509Certificate selfSign(CertificateTemplate template, KeyPair keyPair);

    /** A certificate signed by {@code issuer}: a leaf or an intermediate, per {@code template.ca()}. */
    X509Certificate sign(CertificateTemplate template, SigningKey issuer);

    /**
     * Parses a DER PKCS#10 request and verifies its signature with its own key. Throws with a message
     * saying what is wrong (not DER, bad signature, unsupported key).
     */
    CertificationRequest readRequest(byte[] der) throws CsrRejectedException;

    /** A DER PKCS#10 request for {@code id} signed by {@code keyPair} (what an agent sends). */
    byte[] createRequest(KeyPair keyPair, SpiffeId id);
}
