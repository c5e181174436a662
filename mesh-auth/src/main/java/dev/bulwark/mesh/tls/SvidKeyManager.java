package dev.bulwark.mesh.tls;

import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Map;
import java.util.function.Function;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * A JSSE key manager presenting SVIDs. The alias is chosen by the TLS server name (SNI) the client
 * asked for, through {@code bySni} (the endpoint-auth server holds one SVID per identity, addressed as
 * Cilium does by {@code <N>.<trust domain>}); with no SNI or an unknown one, {@code fallback} is used.
 * Sources are read on every handshake, so rotation needs no restart. Thread-safe.
 */
public final class SvidKeyManager extends X509ExtendedKeyManager {

    private static final String DEFAULT = "svid";

    private final SvidSource fallback;
    private final Function<String, SvidSource> bySni;

    public SvidKeyManager(SvidSource source) {
        this(source, sni -> null);
    }

    public SvidKeyManager(SvidSource fallback, Function<String, SvidSource> bySni) {
        this.fallback = fallback;
        this.bySni = bySni;
    }

    private SvidSource source(String alias) {
        if (alias == null || alias.equals(DEFAULT)) {
            return fallback;
        }
        SvidSource s = bySni.apply(alias);
        return s == null ? fallback : s;
    }

    private String alias(String keyType, SSLSession handshake) {
        String alias = DEFAULT;
        if (handshake instanceof ExtendedSSLSession ext) {
            for (SNIServerName n : ext.getRequestedServerNames()) {
                if (n instanceof SNIHostName host && bySni.apply(host.getAsciiName()) != null) {
                    alias = host.getAsciiName();
                }
            }
        }
        SvidSource s = source(alias);
        return s != null && matches(keyType, s.svid().privateKey()) ? alias : null;
    }

    static boolean matches(String keyType, PrivateKey key) {
        String alg = key.getAlgorithm();
        return keyType.equalsIgnoreCase(alg)
                || (keyType.equals("EdDSA") || keyType.equals("Ed25519")) && (alg.equals("EdDSA") || alg.equals("Ed25519"));
    }

    @Override
    public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
        return alias(keyType, engine == null ? null : engine.getHandshakeSession());
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
        return alias(keyType, socket instanceof SSLSocket s ? s.getHandshakeSession() : null);
    }

    @Override
    public String chooseEngineClientAlias(String[] keyTypes, Principal[] issuers, SSLEngine engine) {
        return chooseClientAlias(keyTypes, issuers, null);
    }

    @Override
    public String chooseClientAlias(String[] keyTypes, Principal[] issuers, Socket socket) {
        if (fallback == null) {
            return null;
        }
        PrivateKey key = fallback.svid().privateKey();
        for (String t : keyTypes) {
            if (matches(t, key)) {
                return DEFAULT;
            }
        }
        return null;
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
        return new String[] {DEFAULT};
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
        return new String[] {DEFAULT};
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
        SvidSource s = source(alias);
        return s == null ? null : s.svid().chain().toArray(X509Certificate[]::new);
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
        SvidSource s = source(alias);
        return s == null ? null : s.svid().privateKey();
    }

    /** A key manager for a fixed set of SVIDs addressed by SNI name. */
    public static SvidKeyManager bySni(SvidSource fallback, Map<String, SvidSource> named) {
        return new SvidKeyManager(fallback, named::get);
    }
}
