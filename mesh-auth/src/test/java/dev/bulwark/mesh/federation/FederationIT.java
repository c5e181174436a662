package dev.bulwark.mesh.federation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bulwark.mesh.bundle.BundleSet;
import dev.bulwark.mesh.ca.AuthorityStore;
import dev.bulwark.mesh.ca.CaSettings;
import dev.bulwark.mesh.ca.CertificateAuthority;
import dev.bulwark.mesh.ca.IssuedSvid;
import dev.bulwark.mesh.ca.KeyAlgorithm;
import dev.bulwark.mesh.ca.bouncycastle.BouncyCastleCertificateSigner;
import dev.bulwark.mesh.server.SelfIssuedSvid;
import dev.bulwark.mesh.spiffe.SpiffeId;
import dev.bulwark.mesh.spiffe.TrustDomain;
import dev.bulwark.mesh.tls.PeerValidation;
import dev.bulwark.mesh.tls.SvidValidator;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two trust domains federating on loopback: A serves its bundle with the https_spiffe profile, B with
 * https_web (a server certificate this test makes with the JDK's keytool); each fetches the other's.
 */
class FederationIT {

    static final TrustDomain A = TrustDomain.parse("a.example");
    static final TrustDomain B = TrustDomain.parse("b.example");
    static final SpiffeId ENDPOINT_A = new SpiffeId(A, "/bulwark/bundle-endpoint");

    final SecureRandom random = new SecureRandom();
    final InstantSource clock = InstantSource.system();
    final BouncyCastleCertificateSigner signer = new BouncyCastleCertificateSigner();
    final SvidValidator validator = new SvidValidator(clock);
    @TempDir
    static Path dir;
    /** keytool takes seconds on a loaded machine: one server certificate (and one stranger) per class. */
    static KeyStore web;
    static KeyStore stranger;

    CertificateAuthority caA;
    CertificateAuthority caB;
    BundleEndpointServer endpointA;
    BundleEndpointServer endpointB;
    X509Certificate webCert;
    FederatedBundles inA;
    FederatedBundles inB;

    CertificateAuthority ca(TrustDomain td) {
        return new CertificateAuthority(CaSettings.defaults(td, "c1"), signer, AuthorityStore.inMemory(), clock, random);
    }

    @BeforeAll
    static void makeWebCertificates() throws Exception {
        web = webKeyStore(dir.resolve("web"));
        stranger = webKeyStore(dir.resolve("stranger"));
    }

    @BeforeEach
    void start() throws Exception {
        caA = ca(A);
        caB = ca(B);
        InetSocketAddress loopback = new InetSocketAddress("127.0.0.1", 0);
        endpointA = BundleEndpointServer.httpsSpiffe(loopback,
                new SelfIssuedSvid(caA, ENDPOINT_A, KeyAlgorithm.EC_P256, clock, random), caA::bundle);
        webCert = (X509Certificate) web.getCertificate("web");
        endpointB = BundleEndpointServer.httpsWeb(loopback, (PrivateKey) web.getKey("web", "test-only".toCharArray()),
                Arrays.stream(web.getCertificateChain("web")).map(c -> (X509Certificate) c).toList(), caB::bundle);
        inA = new FederatedBundles(clock, Duration.ofSeconds(1), Duration.ofSeconds(10));
        inA.add(Relationship.httpsWeb(B, endpointB.url("localhost"), List.of(webCert)));
        inB = new FederatedBundles(clock, Duration.ofSeconds(1), Duration.ofSeconds(10));
        inB.add(Relationship.httpsSpiffe(A, endpointA.url("127.0.0.1"), ENDPOINT_A, caA.bundle()));
    }

    @AfterEach
    void stop() {
        inA.close();
        inB.close();
        endpointA.close();
        endpointB.close();
    }

    /** A self-signed P-256 server certificate for localhost and 127.0.0.1, made by keytool. */
    static KeyStore webKeyStore(Path where) throws Exception {
        Files.createDirectories(where);
        Path ks = where.resolve("web.p12");
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "web", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=localhost",
                "-ext", "san=dns:localhost,ip:127.0.0.1", "-validity", "2", "-keystore", ks.toString(),
                "-storetype", "PKCS12", "-storepass", "test-only", "-keypass", "test-only")
                .redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor(), "keytool failed: " + output);
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(ks)) {
            store.load(in, "test-only".toCharArray());
        }
        return store;
    }

    PeerValidation validateIn(FederatedBundles federated, CertificateAuthority local, IssuedSvid svid) {
        return validator.validate(svid.chain(), federated.bundles().with(local.bundle()));
    }

    IssuedSvid svid(CertificateAuthority ca, String path) {
        return ca.issue(new SpiffeId(ca.trustDomain(), path), KeyAlgorithm.EC_P256.generate(random).getPublic(),
                Duration.ZERO);
    }

    @Test
    void anSvidOfBValidatesInAOnlyAfterAFetchedBsBundleOverHttpsWeb() {
        IssuedSvid fromB = svid(caB, "/identity/4242");
        PeerValidation before = validateIn(inA, caA, fromB);
        assertTrue(before instanceof PeerValidation.Invalid i && i.reason().contains("unknown trust domain b.example"),
                before.toString());

        FetchOutcome fetched = inA.refreshNow(B);

        FetchOutcome.Updated updated = assertInstanceOf(FetchOutcome.Updated.class, fetched);
        assertEquals(caB.bundle().authorities(), updated.bundle().authorities());
        assertEquals(caB.bundle().sequence(), updated.bundle().sequence());
        assertInstanceOf(PeerValidation.Valid.class, validateIn(inA, caA, fromB));
        // Never merged: A holds B's bundle under B only, and its own CA's SVIDs still need A's bundle.
        assertTrue(inA.bundles().get(A).isEmpty());
        assertInstanceOf(PeerValidation.Invalid.class,
                validator.validate(svid(caA, "/identity/1").chain(), inA.bundles()));
    }

    @Test
    void anSvidOfAValidatesInBAfterBFetchedOverHttpsSpiffe() {
        IssuedSvid fromA = svid(caA, "/ns/default/sa/web");
        assertInstanceOf(PeerValidation.Invalid.class, validateIn(inB, caB, fromA));

        assertInstanceOf(FetchOutcome.Updated.class, inB.refreshNow(A));

        assertInstanceOf(PeerValidation.Valid.class, validateIn(inB, caB, fromA));
    }

    @Test
    void anHttpsSpiffeEndpointPresentingAnotherIdIsRefused() {
        try (FederatedBundles wrongId = new FederatedBundles(clock, Duration.ofSeconds(1), Duration.ofSeconds(10))) {
            wrongId.add(Relationship.httpsSpiffe(A, endpointA.url("127.0.0.1"), new SpiffeId(A, "/bulwark/other"),
                    caA.bundle()));

            FetchOutcome outcome = wrongId.refreshNow(A);

            FetchOutcome.Failed failed = assertInstanceOf(FetchOutcome.Failed.class, outcome);
            assertTrue(failed.reason().contains("https_spiffe"), failed.reason());
            assertTrue(wrongId.bundles().bundles().isEmpty());
        }
    }

    @Test
    void anHttpsSpiffeEndpointWhoseSvidDoesNotChainToTheOutOfBandBundleIsRefused() {
        CertificateAuthority impostor = ca(A);
        try (FederatedBundles misled = new FederatedBundles(clock, Duration.ofSeconds(1), Duration.ofSeconds(10))) {
            misled.add(Relationship.httpsSpiffe(A, endpointA.url("127.0.0.1"), ENDPOINT_A, impostor.bundle()));

            assertInstanceOf(FetchOutcome.Failed.class, misled.refreshNow(A));
            assertTrue(misled.bundles().bundles().isEmpty());
        }
    }

    @Test
    void anHttpsWebEndpointWithAnUntrustedCertificateIsRefused() throws Exception {
        X509Certificate otherRoot = (X509Certificate) stranger.getCertificate("web");
        try (FederatedBundles untrusting = new FederatedBundles(clock, Duration.ofSeconds(1), Duration.ofSeconds(10))) {
            untrusting.add(Relationship.httpsWeb(B, endpointB.url("localhost"), List.of(otherRoot)));

            assertInstanceOf(FetchOutcome.Failed.class, untrusting.refreshNow(B));
            assertTrue(untrusting.bundles().bundles().isEmpty());
        }
    }

    @Test
    void aRotationIsPickedUpByTheNextPollAndAnUnchangedBundleIsReportedSo() {
        assertInstanceOf(FetchOutcome.Updated.class, inA.refreshNow(B));
        assertInstanceOf(FetchOutcome.Unchanged.class, inA.refreshNow(B));
        long before = inA.bundles().get(B).orElseThrow().sequence();

        caB.rotate();
        FetchOutcome.Updated after = assertInstanceOf(FetchOutcome.Updated.class, inA.refreshNow(B));

        assertTrue(after.bundle().sequence() > before);
        assertEquals(2, after.bundle().authorities().size(), "the prepared authority is published before use");
    }

    @Test
    void endingTheRelationshipDeletesTheBundle() {
        IssuedSvid fromB = svid(caB, "/identity/7");
        inA.refreshNow(B);
        assertInstanceOf(PeerValidation.Valid.class, validateIn(inA, caA, fromB));

        inA.remove(B);

        assertInstanceOf(PeerValidation.Invalid.class, validateIn(inA, caA, fromB));
        assertEquals(BundleSet.EMPTY, inA.bundles());
    }
}
