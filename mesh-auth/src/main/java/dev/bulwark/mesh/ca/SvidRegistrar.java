package dev.bulwark.mesh.ca;

import dev.bulwark.mesh.spiffe.SpiffeId;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The CA's front desk: checks each request, in order, and signs only when every check passes.
 * <ol>
 *   <li>caller: SignSvid needs a node SVID of this trust domain (AttestNode needs a node proof);</li>
 *   <li>rate: one token from the caller's bucket;</li>
 *   <li>CSR: at most {@value #MAX_CSR_BYTES} bytes, DER PKCS#10, proof of possession, a supported key,
 *       and any URI SAN equal to the ID being certified;</li>
 *   <li>authority: the node may hold the identity ({@link IdentityAuthorizer}) or proved its name
 *       ({@link NodeAttestor}).</li>
 * </ol>
 * Nothing changes for a refused request. Thread-safe (its parts are).
 */
public final class SvidRegistrar {

    public static final int MAX_CSR_BYTES = 16 * 1024;
    private static final Pattern DNS_SUBDOMAIN = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");

    private final CertificateAuthority ca;
    private final CertificateSigner signer;
    private final NodeAttestor attestor;
    private final IdentityAuthorizer authorizer;
    private final RateLimiter rateLimiter;

    public SvidRegistrar(CertificateAuthority ca, CertificateSigner signer, NodeAttestor attestor,
                         IdentityAuthorizer authorizer, RateLimiter rateLimiter) {
        this.ca = ca;
        this.signer = signer;
        this.attestor = attestor;
        this.authorizer = authorizer;
        this.rateLimiter = rateLimiter;
    }

    public CertificateAuthority authority() {
        return ca;
    }

    /** Bootstrap: a node proves its name and gets {@code spiffe://<td>/node/<name>}. */
    public SignOutcome attestNode(String nodeName, NodeProof proof, byte[] csrDer) {
        if (nodeName == null || nodeName.isEmpty() || nodeName.length() > 253 || !DNS_SUBDOMAIN.matcher(nodeName).matches()) {
            return new SignOutcome.InvalidRequest("node_name", "must be a Kubernetes node name (DNS subdomain, 1..253 chars), got '" + nodeName + "'");
        }
        if (proof == null) {
            return new SignOutcome.InvalidRequest("proof", "one of join_token or k8s_sa_token is required");
        }
        Duration wait = rateLimiter.acquire("node/" + nodeName);
        if (!wait.isZero()) {
            return new SignOutcome.RateLimited("node/" + nodeName, wait);
        }
        SpiffeId id = SpiffeId.ofNode(ca.trustDomain(), nodeName);
        Object checked = checkCsr(csrDer, id);
        if (checked instanceof SignOutcome refused) {
            return refused;
        }
        return switch (attestor.attest(nodeName, proof)) {
            case AttestationVerdict.Refused r -> new SignOutcome.Denied("node " + nodeName + " not attested: " + r.reason());
            case AttestationVerdict.Attested a ->
                    new SignOutcome.Signed(ca.issue(id, ((CertificationRequest) checked).publicKey(), Duration.ZERO));
        };
    }

    /**
     * Renews the caller's node SVID for the key in {@code csrDer}: only a node of this trust domain, only
     * its own node ID, checked and rate-limited like every other signing request.
     */
    public SignOutcome renewNode(Optional<SpiffeId> caller, byte[] csrDer) {
        Optional<SpiffeId> node = caller.filter(c -> c.trustDomain().equals(ca.trustDomain()))
                .filter(c -> c.path().startsWith("/node/"));
        if (node.isEmpty()) {
            return new SignOutcome.Unauthenticated(caller.map(c -> "caller " + c + " is not a node of " + ca.trustDomain())
                    .orElse("a node SVID is required to renew it (attest the node first)"));
        }
        Duration wait = rateLimiter.acquire(node.get().toString());
        if (!wait.isZero()) {
            return new SignOutcome.RateLimited(node.get().toString(), wait);
        }
        Object checked = checkCsr(csrDer, node.get());
        if (checked instanceof SignOutcome refused) {
            return refused;
        }
        return new SignOutcome.Signed(ca.issue(node.get(), ((CertificationRequest) checked).publicKey(), Duration.ZERO));
    }

    /** Signs {@code requested} for the node identified by {@code caller} (its validated node SVID). */
    public SignOutcome signSvid(Optional<SpiffeId> caller, SpiffeId requested, byte[] csrDer, Duration ttl) {
        Optional<String> node = caller.filter(c -> c.trustDomain().equals(ca.trustDomain()))
                .filter(c -> c.path().startsWith("/node/")).map(c -> c.path().substring("/node/".length()));
        if (node.isEmpty()) {
            return new SignOutcome.Unauthenticated(caller.map(c -> "caller " + c + " is not a node of " + ca.trustDomain())
                    .orElse("a node SVID is required (attest the node first)"));
        }
        Duration wait = rateLimiter.acquire(caller.get().toString());
        if (!wait.isZero()) {
            return new SignOutcome.RateLimited(caller.get().toString(), wait);
        }
        if (!requested.trustDomain().equals(ca.trustDomain())) {
            return new SignOutcome.InvalidRequest("subject", requested + " is not in trust domain " + ca.trustDomain());
        }
        Object checked = checkCsr(csrDer, requested);
        if (checked instanceof SignOutcome refused) {
            return refused;
        }
        if (!authorizer.mayHold(node.get(), requested)) {
            return new SignOutcome.Denied("node " + node.get() + " may not hold " + requested + " (it runs no endpoint with it)");
        }
        return new SignOutcome.Signed(ca.issue(requested, ((CertificationRequest) checked).publicKey(), ttl));
    }

    /** The verified request, or the refusal. */
    private Object checkCsr(byte[] der, SpiffeId id) {
        if (der == null || der.length == 0) {
            return new SignOutcome.InvalidRequest("csr_der", "required");
        }
        if (der.length > MAX_CSR_BYTES) {
            return new SignOutcome.InvalidRequest("csr_der", der.length + " bytes exceeds the limit of " + MAX_CSR_BYTES);
        }
        CertificationRequest csr;
        try {
            csr = signer.readRequest(der);
        } catch (CsrRejectedException e) {
            return new SignOutcome.InvalidRequest("csr_der", e.getMessage());
        }
        List<URI> sans = csr.uriSans();
        if (sans.size() > 1) {
            return new SignOutcome.InvalidRequest("csr_der", "has " + sans.size() + " URI SANs; an SVID has exactly one");
        }
        if (sans.size() == 1 && !sans.getFirst().toString().equals(id.toString())) {
            return new SignOutcome.InvalidRequest("csr_der", "URI SAN " + sans.getFirst() + " does not match the requested identity " + id);
        }
        return csr;
    }
}
