package dev.bulwark.mesh.tls;

import dev.bulwark.mesh.bundle.BundleSet;
import dev.bulwark.mesh.bundle.TrustBundle;
import dev.bulwark.mesh.ca.SvidRules;
import dev.bulwark.mesh.spiffe.SpiffeId;
import java.security.GeneralSecurityException;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Validates a presented X.509-SVID chain: the leaf rules (one URI SAN, a SPIFFE ID with a path,
 * CA:FALSE, no keyCertSign/cRLSign, EKU serverAuth+clientAuth when present), then RFC 5280 path
 * validation against the authorities of the bundle of the leaf's own trust domain only, at the
 * injected clock's time. An unknown trust domain or an empty bundle refuses. Stateless, thread-safe.
 */
public final class SvidValidator {

    private final InstantSource clock;

    public SvidValidator(InstantSource clock) {
        this.clock = clock;
    }

    public PeerValidation validate(List<X509Certificate> chain, BundleSet bundles) {
        if (chain == null || chain.isEmpty()) {
            return new PeerValidation.Invalid("no certificate presented");
        }
        X509Certificate leaf = chain.getFirst();
        List<String> broken = SvidRules.leafViolations(leaf);
        if (!broken.isEmpty()) {
            return new PeerValidation.Invalid("not a valid leaf SVID: " + String.join("; ", broken));
        }
        SpiffeId id = SvidRules.spiffeId(leaf).orElseThrow();
        Optional<TrustBundle> bundle = bundles.get(id.trustDomain());
        if (bundle.isEmpty()) {
            return new PeerValidation.Invalid("unknown trust domain " + id.trustDomain() + " (no bundle for it)");
        }
        if (bundle.get().authorities().isEmpty()) {
            return new PeerValidation.Invalid("trust domain " + id.trustDomain() + " has no X.509 authorities");
        }
        Instant now = clock.instant();
        Set<TrustAnchor> anchors = new HashSet<>();
        for (X509Certificate a : bundle.get().authorities()) {
            anchors.add(new TrustAnchor(a, null));
        }
        // Anchors in the presented chain are dropped: trust comes only from the bundle.
        List<X509Certificate> path = chain.stream()
                .filter(c -> !bundle.get().authorities().contains(c)).toList();
        try {
            PKIXParameters params = new PKIXParameters(anchors);
            params.setRevocationEnabled(false);
            params.setDate(Date.from(now));
            CertPathValidator.getInstance("PKIX").validate(CertificateFactory.getInstance("X.509").generateCertPath(path), params);
        } catch (CertPathValidatorException e) {
            return new PeerValidation.Invalid("chain of " + id + " does not validate against the bundle of "
                    + id.trustDomain() + ": " + e.getMessage());
        } catch (GeneralSecurityException e) {
            return new PeerValidation.Invalid("chain of " + id + " cannot be validated: " + e.getMessage());
        }
        Instant notAfter = chain.stream().map(c -> c.getNotAfter().toInstant()).min(Instant::compareTo).orElseThrow();
        return new PeerValidation.Valid(id, notAfter);
    }
}
