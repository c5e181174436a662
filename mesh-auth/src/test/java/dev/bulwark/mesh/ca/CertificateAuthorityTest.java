package dev.bulwark.mesh.ca;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bulwark.mesh.bundle.BundleSet;
import dev.bulwark.mesh.bundle.Jwks;
import dev.bulwark.mesh.bundle.TrustBundle;
import dev.bulwark.mesh.ca.bouncycastle.BouncyCastleCertificateSigner;
import dev.bulwark.mesh.spiffe.SpiffeId;
import dev.bulwark.mesh.spiffe.TrustDomain;
import dev.bulwark.mesh.tls.PeerValidation;
import dev.bulwark.mesh.tls.SvidValidator;
import dev.bulwark.model.NumericIdentity;
import dev.bulwark.testkit.ManualClock;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

class CertificateAuthorityTest {

    static final Instant T0 = Instant.parse("2026-11-23T00:00:00Z");
    final ManualClock clock = new ManualClock(T0);
    final SecureRandom random = new SecureRandom();
    final TrustDomain td = TrustDomain.parse("cluster-a.example");

    CertificateAuthority ca(KeyAlgorithm alg) {
        return new CertificateAuthority(CaSettings.defaults(td, "a").withKeyAlgorithm(alg),
                new BouncyCastleCertificateSigner(), AuthorityStore.inMemory(), clock, random);
    }

    @ParameterizedTest
    @EnumSource(KeyAlgorithm.class)
    void issuedSvidsFollowEveryRuleAndValidate(KeyAlgorithm alg) {
        CertificateAuthority ca = ca(alg);
        KeyPair kp = alg.generate(random);
        SpiffeId id = SpiffeId.ofIdentity(td, NumericIdentity.of(4242));
        IssuedSvid svid = ca.issue(id, kp.getPublic(), Duration.ZERO);

        assertEquals(List.of(), SvidRules.leafViolations(svid.leaf()));
        for (Authority a : ca.authorities()) {
            assertEquals(List.of(), SvidRules.signingViolations(a.root()));
            assertEquals(List.of(), SvidRules.signingViolations(a.intermediate().certificate()));
        }
        assertEquals(T0.plus(Duration.ofHours(1)), svid.notAfter());
        assertEquals(T0.minusSeconds(10), svid.leaf().getNotBefore().toInstant());
        assertTrue(svid.leaf().getSerialNumber().bitLength() >= 64);
        long renewMs = Duration.between(T0, svid.renewAfter()).toMillis();
        assertTrue(renewMs >= 0.4 * 3_600_000 && renewMs <= 0.6 * 3_600_000, "renew at half-life +-10%: " + renewMs);

        PeerValidation v = new SvidValidator(clock).validate(svid.chain(), BundleSet.of(ca.bundle()));
        assertEquals(new PeerValidation.Valid(id, svid.notAfter()), v);
    }

    @Test
    void ttlIsCappedByPolicyAndByTheAuthority() {
        CertificateAuthority ca = ca(KeyAlgorithm.EC_P256);
        KeyPair kp = KeyAlgorithm.EC_P256.generate(random);
        IssuedSvid svid = ca.issue(SpiffeId.ofNode(td, "n1"), kp.getPublic(), Duration.ofDays(30));
        assertEquals(T0.plus(Duration.ofHours(24)), svid.notAfter());
    }

    @Test
    void rotationPublishesBeforeUseAndKeepsTheOldAuthorityUntilItsLastSvidExpires() {
        CertificateAuthority ca = ca(KeyAlgorithm.EC_P256);
        SvidValidator validator = new SvidValidator(clock);
        KeyPair kp = KeyAlgorithm.EC_P256.generate(random);
        SpiffeId id = SpiffeId.ofIdentity(td, NumericIdentity.of(7));
        long seq0 = ca.bundle().sequence();
        assertEquals(1, ca.bundle().authorities().size());

        clock.advance(Duration.ofHours(12).plusMinutes(1)); // 12h01: less than half the life is left
        TrustBundle b = ca.tick();
        assertEquals(2, b.authorities().size(), "next authority published");
        assertTrue(b.sequence() > seq0);
        assertEquals(1, ca.activeAuthority().generation(), "but not signing yet");

        clock.set(T0.plus(Duration.ofMinutes(19 * 60 + 30)));
        IssuedSvid old = ca.issue(id, kp.getPublic(), Duration.ZERO); // expires 20h30
        assertEquals(1, ca.activeAuthority().generation());

        clock.set(T0.plus(Duration.ofMinutes(20 * 60 + 1))); // less than a sixth left -> the new one signs
        IssuedSvid fresh = ca.issue(id, kp.getPublic(), Duration.ZERO);
        assertEquals(2, ca.activeAuthority().generation());
        assertNotEquals(old.leaf().getIssuerX500Principal(), fresh.leaf().getIssuerX500Principal());
        assertEquals(2, ca.bundle().authorities().size(), "old root still trusted: an SVID it signed is alive");
        assertInstanceOf(PeerValidation.Valid.class, validator.validate(old.chain(), BundleSet.of(ca.bundle())));
        assertInstanceOf(PeerValidation.Valid.class, validator.validate(fresh.chain(), BundleSet.of(ca.bundle())));

        clock.set(T0.plus(Duration.ofMinutes(20 * 60 + 30))); // the old authority's last SVID expired
        TrustBundle after = ca.tick();
        assertEquals(1, after.authorities().size());
        assertEquals(ca.activeAuthority().root(), after.authorities().getFirst());
        assertTrue(after.sequence() > b.sequence());
        assertInstanceOf(PeerValidation.Valid.class, validator.validate(fresh.chain(), BundleSet.of(after)));
    }

    @Test
    void forcedRotationSignsOnlyAfterPublishAhead() {
        CertificateAuthority ca = ca(KeyAlgorithm.EC_P256);
        long seq = ca.bundle().sequence();
        ca.rotate();
        assertEquals(seq + 1, ca.bundle().sequence());
        assertEquals(1, ca.activeAuthority().generation());
        clock.advance(Duration.ofMinutes(15));
        assertEquals(2, ca.activeAuthority().generation());
        ca.tick();
        assertEquals(1, ca.bundle().authorities().size(), "the old one signed nothing: dropped");
    }

    @Test
    void bundleRoundTripsThroughJwks() {
        CertificateAuthority ca = ca(KeyAlgorithm.EC_P256);
        ca.rotate();
        String json = Jwks.write(ca.bundle());
        assertTrue(json.contains("\"use\" : \"x509-svid\""), json);
        assertFalse(json.contains("\"kid\""));
        TrustBundle back = Jwks.read(td, json);
        assertEquals(ca.bundle(), back);
    }

    @Test
    void jwksReadingIgnoresEntriesWithoutUseOrX5c() {
        String json = """
                {"keys":[{"kty":"EC","use":"jwt-svid","x5c":["AAAA"]},{"kty":"EC"},{"kty":"EC","use":"x509-svid"},
                {"kty":"EC","use":"x509-svid","x5c":[]}],"spiffe_sequence":3,"spiffe_refresh_hint":60}""";
        TrustBundle b = Jwks.read(td, json);
        assertEquals(List.of(), b.authorities());
        assertEquals(3, b.sequence());
        assertEquals(Duration.ofMinutes(1), b.refreshHint());
    }
}
