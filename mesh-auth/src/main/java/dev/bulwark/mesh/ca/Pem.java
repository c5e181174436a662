package dev.bulwark.mesh.ca;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** PEM text for certificates and PKCS#8 private keys (what openssl and Kubernetes Secrets hold). */
public final class Pem {

    private static final Pattern BLOCK = Pattern.compile(
            "-----BEGIN ([A-Z ]+)-----\\s*([A-Za-z0-9+/=\\s]+?)\\s*-----END \\1-----");

    private Pem() {
    }

    public static String certificates(List<X509Certificate> certs) {
        StringBuilder sb = new StringBuilder();
        for (X509Certificate c : certs) {
            try {
                sb.append(block("CERTIFICATE", c.getEncoded()));
            } catch (java.security.cert.CertificateEncodingException e) {
                throw new IllegalStateException(e);
            }
        }
        return sb.toString();
    }

    public static String privateKey(PrivateKey key) {
        return block("PRIVATE KEY", key.getEncoded());
    }

    private static String block(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    /** Every certificate in {@code pem} (DER input is accepted too), in order. */
    public static List<X509Certificate> readCertificates(byte[] pemOrDer) {
        try {
            CertificateFactory cf = CertificateFactory.getInstance("X.509");
            List<X509Certificate> out = new ArrayList<>();
            for (var c : cf.generateCertificates(new ByteArrayInputStream(pemOrDer))) {
                out.add((X509Certificate) c);
            }
            if (out.isEmpty()) {
                throw new IllegalArgumentException("no certificate found");
            }
            return out;
        } catch (CertificateException e) {
            throw new IllegalArgumentException("not a PEM or DER certificate: " + e.getMessage(), e);
        }
    }

    /** A PKCS#8 private key ({@code BEGIN PRIVATE KEY}) of any algorithm the CA uses. */
    public static PrivateKey readPrivateKey(String pem) {
        Matcher m = BLOCK.matcher(pem);
        if (!m.find() || !m.group(1).equals("PRIVATE KEY")) {
            throw new IllegalArgumentException("expected a PKCS#8 'BEGIN PRIVATE KEY' block");
        }
        byte[] der = Base64.getMimeDecoder().decode(m.group(2));
        for (String alg : new String[] {"EC", "Ed25519", "RSA"}) {
            try {
                return KeyFactory.getInstance(alg).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (GeneralSecurityException e) {
                // Try the next algorithm: PKCS#8 names it inside, but KeyFactory wants it up front.
            }
        }
        throw new IllegalArgumentException("private key is not an EC, Ed25519 or RSA PKCS#8 key");
    }
}
