package dev.bulwark.mesh.ca;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bulwark.mesh.ca.bouncycastle.BouncyCastleCertificateSigner;
import dev.bulwark.mesh.spiffe.SpiffeId;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.spec.ECGenParameterSpec;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

class CsrTest {

    final BouncyCastleCertificateSigner signer = new BouncyCastleCertificateSigner();
    final SecureRandom random = new SecureRandom();
    final SpiffeId id = SpiffeId.parse("spiffe://td/identity/9");

    @ParameterizedTest
    @EnumSource(KeyAlgorithm.class)
    void roundTrip(KeyAlgorithm alg) throws Exception {
        KeyPair kp = alg.generate(random);
        CertificationRequest r = signer.readRequest(signer.createRequest(kp, id));
        assertEquals(kp.getPublic(), r.publicKey());
        assertEquals(List.of(id.toUri()), r.uriSans());
    }

    @Test
    void garbageIsRejected() {
        CsrRejectedException e = assertThrows(CsrRejectedException.class, () -> signer.readRequest(new byte[] {1, 2, 3}));
        assertTrue(e.getMessage().startsWith("not a DER PKCS#10"), e.getMessage());
    }

    @Test
    void tamperedSignatureFailsProofOfPossession() {
        byte[] der = signer.createRequest(KeyAlgorithm.EC_P256.generate(random), id);
        der[der.length - 5] ^= 0x01; // inside the signature value
        CsrRejectedException e = assertThrows(CsrRejectedException.class, () -> signer.readRequest(der));
        assertTrue(e.getMessage().contains("proof of possession") || e.getMessage().contains("signature"), e.getMessage());
    }

    @Test
    void requestWhosePublicKeyIsNotTheSigningKeyFails() throws Exception {
        // Splice: the request body of key A carrying key B's signature.
        byte[] a = signer.createRequest(KeyAlgorithm.ED25519.generate(random), id);
        byte[] b = signer.createRequest(KeyAlgorithm.ED25519.generate(random), id);
        byte[] spliced = a.clone();
        System.arraycopy(b, b.length - 64, spliced, a.length - 64, 64); // Ed25519 signatures are 64 bytes at the end
        CsrRejectedException e = assertThrows(CsrRejectedException.class, () -> signer.readRequest(spliced));
        assertTrue(e.getMessage().contains("proof of possession"), e.getMessage());
    }

    @Test
    void unsupportedCurveIsRejected() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp384r1"));
        KeyPair p384 = g.generateKeyPair();
        CsrRejectedException e = assertThrows(CsrRejectedException.class,
                () -> signer.readRequest(signer.createRequest(p384, id)));
        assertTrue(e.getMessage().contains("unsupported public key"), e.getMessage());
    }
}
