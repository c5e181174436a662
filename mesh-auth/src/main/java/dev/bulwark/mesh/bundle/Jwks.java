package dev.bulwark.mesh.bundle;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bulwark.mesh.spiffe.TrustDomain;
import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.security.PublicKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

/**
 * The SPIFFE bundle format (RFC 7517 JWK Set): one JWK per authority with {@code use: x509-svid}, no
 * {@code kid}, and an {@code x5c} holding exactly that certificate (X509-SVID §6.1); top-level
 * {@code spiffe_sequence} and {@code spiffe_refresh_hint}. Reading ignores entries with another or no
 * {@code use} and entries without {@code x5c}, and uses only the first {@code x5c} value (§6.2).
 */
public final class Jwks {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Base64.Encoder B64URL = Base64.getUrlEncoder().withoutPadding();

    private Jwks() {
    }

    public static String write(TrustBundle bundle) {
        ObjectNode root = MAPPER.createObjectNode();
        ArrayNode keys = root.putArray("keys");
        for (X509Certificate cert : bundle.authorities()) {
            ObjectNode k = keys.addObject();
            k.put("use", "x509-svid");
            putKey(k, cert.getPublicKey());
            try {
                k.putArray("x5c").add(Base64.getEncoder().encodeToString(cert.getEncoded()));
            } catch (java.security.cert.CertificateEncodingException e) {
                throw new IllegalStateException("authority certificate cannot be encoded", e);
            }
        }
        root.put("spiffe_sequence", bundle.sequence());
        if (!bundle.refreshHint().isZero()) {
            root.put("spiffe_refresh_hint", bundle.refreshHint().toSeconds());
        }
        try {
            return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void putKey(ObjectNode k, PublicKey key) {
        if (key instanceof ECPublicKey ec) {
            k.put("kty", "EC").put("crv", "P-256")
                    .put("x", B64URL.encodeToString(unsigned(ec.getW().getAffineX(), 32)))
                    .put("y", B64URL.encodeToString(unsigned(ec.getW().getAffineY(), 32)));
        } else if (key instanceof RSAPublicKey rsa) {
            k.put("kty", "RSA")
                    .put("n", B64URL.encodeToString(unsigned(rsa.getModulus(), (rsa.getModulus().bitLength() + 7) / 8)))
                    .put("e", B64URL.encodeToString(unsigned(rsa.getPublicExponent(),
                            (rsa.getPublicExponent().bitLength() + 7) / 8)));
        } else {
            // Ed25519: the raw key is the last 32 bytes of the 44-byte SubjectPublicKeyInfo.
            byte[] spki = key.getEncoded();
            k.put("kty", "OKP").put("crv", "Ed25519")
                    .put("x", B64URL.encodeToString(Arrays.copyOfRange(spki, spki.length - 32, spki.length)));
        }
    }

    private static byte[] unsigned(BigInteger v, int len) {
        byte[] b = v.toByteArray();
        if (b.length == len) {
            return b;
        }
        byte[] out = new byte[len];
        int copy = Math.min(len, b.length);
        System.arraycopy(b, b.length - copy, out, len - copy, copy);
        return out;
    }

    /** Reads a SPIFFE bundle for {@code td} (the trust domain is configured, never inferred). */
    public static TrustBundle read(TrustDomain td, String json) {
        JsonNode root;
        try {
            root = MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("bundle: not JSON (" + e.getOriginalMessage() + ")", e);
        }
        if (root == null || !root.isObject() || !root.has("keys") || !root.get("keys").isArray()) {
            throw new IllegalArgumentException("bundle.keys: required array is missing");
        }
        List<X509Certificate> authorities = new ArrayList<>();
        JsonNode keys = root.get("keys");
        for (int i = 0; i < keys.size(); i++) {
            JsonNode k = keys.get(i);
            if (!"x509-svid".equals(k.path("use").asText(null)) || !k.path("x5c").isArray() || k.path("x5c").isEmpty()) {
                continue;
            }
            try {
                byte[] der = Base64.getDecoder().decode(k.get("x5c").get(0).asText());
                authorities.add((X509Certificate) CertificateFactory.getInstance("X.509")
                        .generateCertificate(new ByteArrayInputStream(der)));
            } catch (CertificateException | IllegalArgumentException e) {
                throw new IllegalArgumentException("bundle.keys[" + i + "].x5c[0]: not a DER certificate (" + e.getMessage() + ")", e);
            }
        }
        long sequence = root.path("spiffe_sequence").asLong(0);
        long hint = root.path("spiffe_refresh_hint").asLong(0);
        return new TrustBundle(td, sequence, authorities, Duration.ofSeconds(Math.max(0, hint)));
    }
}
