package dev.bulwark.mesh.federation;

import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;

/**
 * TLS settings shared by the bundle endpoint and its client: Mozilla's "intermediate" profile, as the
 * federation spec asks (TLS 1.2 and 1.3, ECDHE with AEAD ciphers only).
 */
final class EndpointTls {

    static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};
    static final String[] CIPHER_SUITES = {
        "TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256",
        "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
        "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
        "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256"};

    private EndpointTls() {
    }

    static SSLParameters parameters(SSLContext ctx) {
        SSLParameters p = ctx.getDefaultSSLParameters();
        p.setProtocols(PROTOCOLS);
        List<String> supported = List.of(ctx.getSupportedSSLParameters().getCipherSuites());
        p.setCipherSuites(List.of(CIPHER_SUITES).stream().filter(supported::contains).toArray(String[]::new));
        return p;
    }

    static SSLContext context(KeyManager[] keys, TrustManager[] trust) {
        try {
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(keys, trust, null);
            return ctx;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("TLS is not available", e);
        }
    }

    /** Key managers presenting {@code chain} (leaf first) with {@code key}. */
    static KeyManager[] keyManagers(PrivateKey key, List<X509Certificate> chain) {
        try {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            char[] password = new char[0];
            ks.setKeyEntry("server", key, password, chain.toArray(X509Certificate[]::new));
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(ks, password);
            return kmf.getKeyManagers();
        } catch (GeneralSecurityException | java.io.IOException e) {
            throw new IllegalArgumentException("server certificate and key cannot be used: " + e.getMessage(), e);
        }
    }

    /**
     * PKIX trust managers anchored at {@code roots}, or at the JDK's default (public) roots when empty.
     * They check the server's DNS/IP SAN against the URL's host (RFC 6125), because the HTTP client
     * asks for HTTPS endpoint identification.
     */
    static TrustManager[] webTrust(List<X509Certificate> roots) {
        try {
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            if (roots.isEmpty()) {
                tmf.init((KeyStore) null);
            } else {
                KeyStore ks = KeyStore.getInstance("PKCS12");
                ks.load(null, null);
                for (int i = 0; i < roots.size(); i++) {
                    ks.setCertificateEntry("root-" + i, roots.get(i));
                }
                tmf.init(ks);
            }
            return tmf.getTrustManagers();
        } catch (GeneralSecurityException | java.io.IOException e) {
            throw new IllegalArgumentException("web trust roots cannot be used: " + e.getMessage(), e);
        }
    }
}
