package dev.bulwark.mesh.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bulwark.mesh.ca.AuthorityStore;
import dev.bulwark.mesh.ca.CaSettings;
import dev.bulwark.mesh.ca.CertificateAuthority;
import dev.bulwark.mesh.ca.IssuedSvid;
import dev.bulwark.mesh.ca.KeyAlgorithm;
import dev.bulwark.mesh.ca.Pem;
import dev.bulwark.mesh.ca.bouncycastle.BouncyCastleCertificateSigner;
import dev.bulwark.mesh.spiffe.SpiffeId;
import dev.bulwark.mesh.spiffe.TrustDomain;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The --tls-dir layout: loaded, reloaded when replaced, a broken replacement keeps the last good SVID. */
class SvidDirectoryTest {

    final TrustDomain td = TrustDomain.parse("cluster-a.example");
    final SecureRandom random = new SecureRandom();
    final CertificateAuthority ca = new CertificateAuthority(CaSettings.defaults(td, "a"), new BouncyCastleCertificateSigner(),
            AuthorityStore.inMemory(), InstantSource.system(), random);

    @TempDir
    Path dir;

    void write(String path, Instant stamp) throws Exception {
        KeyPair kp = KeyAlgorithm.EC_P256.generate(random);
        IssuedSvid svid = ca.issue(new SpiffeId(td, path), kp.getPublic(), Duration.ZERO);
        Files.writeString(dir.resolve("svid.key"), Pem.privateKey(kp.getPrivate()));
        Files.writeString(dir.resolve("svid.pem"), Pem.certificates(svid.chain()));
        Files.writeString(dir.resolve("bundle.pem"), Pem.certificates(ca.bundle().authorities()));
        // Explicit stamps: two writes within one file-system tick must still count as a change.
        Files.setLastModifiedTime(dir.resolve("svid.pem"), FileTime.from(stamp));
    }

    @Test
    void loadsReloadsAndKeepsTheLastGoodPair() throws Exception {
        Instant t0 = Instant.parse("2026-01-01T00:00:00Z");
        write("/bulwark/allocator", t0);
        SvidDirectory d = SvidDirectory.load(dir);
        assertEquals(new SpiffeId(td, "/bulwark/allocator"), d.svid().id());
        assertEquals(td, d.trustDomain());
        assertEquals(ca.bundle().authorities(), d.bundles().get(td).orElseThrow().authorities());

        write("/bulwark/distributor", t0.plusSeconds(1));
        assertEquals(new SpiffeId(td, "/bulwark/distributor"), d.svid().id());

        Files.writeString(dir.resolve("svid.pem"), "not a certificate");
        Files.setLastModifiedTime(dir.resolve("svid.pem"), FileTime.from(t0.plusSeconds(2)));
        assertEquals(new SpiffeId(td, "/bulwark/distributor"), d.svid().id());
        assertTrue(d.lastError().contains("svid.pem"), d.lastError());
    }

    @Test
    void aMissingFileIsNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SvidDirectory.load(dir));
        assertTrue(e.getMessage().contains(dir.resolve("svid.pem") + ": cannot read"), e.getMessage());
    }
}
