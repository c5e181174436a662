package dev.bulwark.mesh.ca;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.bulwark.mesh.ca.bouncycastle.BouncyCastleCertificateSigner;
import dev.bulwark.mesh.spiffe.SpiffeId;
import dev.bulwark.mesh.spiffe.TrustDomain;
import dev.bulwark.model.NumericIdentity;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** What the CA issues, read and verified by OpenSSL (an independent X.509 implementation). */
class OpensslCheckTest {

    static boolean haveOpenssl;

    @BeforeAll
    static void findOpenssl() {
        try {
            haveOpenssl = new ProcessBuilder("openssl", "version").start().waitFor() == 0;
        } catch (IOException | InterruptedException e) {
            haveOpenssl = false;
        }
    }

    static String run(Path dir, String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), String.join(" ", cmd) + "\n" + out);
        return out;
    }

    @ParameterizedTest
    @EnumSource(KeyAlgorithm.class)
    void opensslReadsAndVerifiesTheChain(KeyAlgorithm alg, @TempDir Path dir) throws Exception {
        assumeTrue(haveOpenssl, "openssl is not installed (.ci/run installs it)");
        SecureRandom random = new SecureRandom();
        TrustDomain td = TrustDomain.parse("cluster-a.example");
        CertificateAuthority ca = new CertificateAuthority(CaSettings.defaults(td, "a").withKeyAlgorithm(alg),
                new BouncyCastleCertificateSigner(), AuthorityStore.inMemory(), InstantSource.system(), random);
        SpiffeId id = SpiffeId.ofIdentity(td, NumericIdentity.of(4242));
        IssuedSvid svid = ca.issue(id, alg.generate(random).getPublic(), Duration.ZERO);
        Files.writeString(dir.resolve("root.pem"), Pem.certificates(ca.bundle().authorities()));
        Files.writeString(dir.resolve("leaf.pem"), Pem.certificates(List.of(svid.leaf())));
        Files.writeString(dir.resolve("chain.pem"), Pem.certificates(svid.chain().subList(1, svid.chain().size())));

        String text = run(dir, "openssl", "x509", "-in", "leaf.pem", "-text", "-noout");
        assertTrue(text.contains("URI:" + id), text);
        assertTrue(text.contains("CA:FALSE"), text);
        assertTrue(text.matches("(?s).*X509v3 Key Usage: critical\\s+Digital Signature\\s.*"), text);
        assertTrue(text.contains("TLS Web Server Authentication, TLS Web Client Authentication"), text);

        String caText = run(dir, "openssl", "x509", "-in", "root.pem", "-text", "-noout");
        assertTrue(caText.contains("CA:TRUE"), caText);
        assertTrue(caText.contains("Certificate Sign, CRL Sign"), caText);
        assertTrue(caText.contains("URI:spiffe://cluster-a.example\n") || caText.contains("URI:spiffe://cluster-a.example\r"), caText);

        List<String> verify = new ArrayList<>(List.of("openssl", "verify", "-x509_strict", "-purpose", "sslclient",
                "-CAfile", "root.pem", "-untrusted", "chain.pem", "leaf.pem"));
        assertTrue(run(dir, verify.toArray(String[]::new)).contains("leaf.pem: OK"));
        verify.set(4, "sslserver");
        assertTrue(run(dir, verify.toArray(String[]::new)).contains("leaf.pem: OK"));
    }
}
