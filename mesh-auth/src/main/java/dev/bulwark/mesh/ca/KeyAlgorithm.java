package dev.bulwark.mesh.ca;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;

/** Key algorithms the CA generates and accepts: ECDSA P-256 (default), Ed25519, RSA-2048. */
public enum KeyAlgorithm {
    EC_P256("SHA256withECDSA"),
    ED25519("Ed25519"),
    RSA_2048("SHA256withRSA");

    private final String signatureAlgorithm;

    KeyAlgorithm(String signatureAlgorithm) {
        this.signatureAlgorithm = signatureAlgorithm;
    }

    /** The JCA signature algorithm a key of this kind signs certificates with. */
    public String signatureAlgorithm() {
        return signatureAlgorithm;
    }

    public KeyPair generate(SecureRandom random) {
        try {
            KeyPairGenerator g = switch (this) {
                case EC_P256 -> {
                    KeyPairGenerator k = KeyPairGenerator.getInstance("EC");
                    k.initialize(new ECGenParameterSpec("secp256r1"), random);
                    yield k;
                }
                case ED25519 -> KeyPairGenerator.getInstance("Ed25519");
                case RSA_2048 -> {
                    KeyPairGenerator k = KeyPairGenerator.getInstance("RSA");
                    k.initialize(2048, random);
                    yield k;
                }
            };
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK cannot generate " + this + " keys", e);
        }
    }

    /**
     * The algorithm of {@code key} if the CA accepts it (P-256, Ed25519, RSA of 2048..4096 bits), or
     * {@code null}.
     */
    public static KeyAlgorithm of(PublicKey key) {
        if (key instanceof ECPublicKey ec) {
            return ec.getParams().getCurve().getField().getFieldSize() == 256
                    && ec.getParams().getOrder().bitLength() == 256 ? EC_P256 : null;
        }
        if (key instanceof RSAPublicKey rsa) {
            int bits = rsa.getModulus().bitLength();
            return bits >= 2048 && bits <= 4096 ? RSA_2048 : null;
        }
        String alg = key.getAlgorithm();
        return alg.equals("Ed25519") || alg.equals("EdDSA") && key.getEncoded().length == 44 ? ED25519 : null;
    }

    /** Parses {@code ec-p256}, {@code ed25519} or {@code rsa-2048} (as in configuration and the CLI). */
    public static KeyAlgorithm parse(String name) {
        return switch (name.toLowerCase(java.util.Locale.ROOT)) {
            case "ec-p256", "ec_p256" -> EC_P256;
            case "ed25519" -> ED25519;
            case "rsa-2048", "rsa_2048" -> RSA_2048;
            default -> throw new IllegalArgumentException("key algorithm: expected ec-p256, ed25519 or rsa-2048, got '" + name + "'");
        };
    }
}
