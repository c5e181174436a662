package dev.bulwark.mesh.tls;

import dev.bulwark.mesh.bundle.BundleSource;
import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * A JSSE trust manager that accepts exactly the peers whose chain {@link SvidValidator} accepts
 * against the current bundles (read on every handshake, so bundle updates apply at once) and that
 * {@link PeerCheck} allows. Host names are not checked: the peer's SPIFFE ID is its name. Thread-safe.
 */
public final class SpiffeTrustManager extends X509ExtendedTrustManager {

    private final BundleSource bundles;
    private final SvidValidator validator;
    private final PeerCheck peerCheck;

    public SpiffeTrustManager(BundleSource bundles, SvidValidator validator, PeerCheck peerCheck) {
        this.bundles = bundles;
        this.validator = validator;
        this.peerCheck = peerCheck;
    }

    /** Validates {@code chain} and returns the peer's ID and expiry, or throws with the reason. */
    public PeerValidation.Valid check(X509Certificate[] chain) throws CertificateException {
        PeerValidation v = validator.validate(chain == null ? java.util.List.of() : Arrays.asList(chain), bundles.bundles());
        return switch (v) {
            case PeerValidation.Invalid invalid -> throw new CertificateException(invalid.reason());
            case PeerValidation.Valid valid -> {
                String refusal = peerCheck.refuse(valid.id());
                if (refusal != null) {
                    throw new CertificateException(refusal);
                }
                yield valid;
            }
        };
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        check(chain);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        check(chain);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        check(chain);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        check(chain);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        check(chain);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        check(chain);
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return bundles.bundles().all().stream().flatMap(b -> b.authorities().stream()).toArray(X509Certificate[]::new);
    }
}
