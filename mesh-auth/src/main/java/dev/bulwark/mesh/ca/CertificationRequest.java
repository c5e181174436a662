package dev.bulwark.mesh.ca;

import java.net.URI;
import java.security.PublicKey;
import java.util.List;

/**
 * A PKCS#10 request whose signature was verified with its own public key (proof of possession).
 * {@code uriSans} are the URI SANs it asks for (may be empty; the CA decides the ID).
 */
public record CertificationRequest(PublicKey publicKey, List<URI> uriSans) {

    public CertificationRequest {
        uriSans = List.copyOf(uriSans);
    }
}
