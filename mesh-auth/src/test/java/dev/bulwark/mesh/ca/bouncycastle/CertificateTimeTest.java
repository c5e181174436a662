package dev.bulwark.mesh.ca.bouncycastle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.time.Instant;
import org.bouncycastle.asn1.ASN1GeneralizedTime;
import org.bouncycastle.asn1.ASN1UTCTime;
import org.bouncycastle.asn1.x509.Time;
import org.junit.jupiter.api.Test;

/** RFC 5280 §4.1.2.5 time encoding, made without BouncyCastle's per-call SimpleDateFormat. */
class CertificateTimeTest {

    @Test
    void utcTimeThrough2049WithWholeSeconds() throws Exception {
        Time t = BouncyCastleCertificateSigner.time(Instant.parse("2049-12-31T23:59:59.750Z"));
        assertInstanceOf(ASN1UTCTime.class, t.toASN1Primitive());
        assertEquals("491231235959Z", ((ASN1UTCTime) t.toASN1Primitive()).getTime().replace("GMT+00:00", "Z"));
        assertEquals(Instant.parse("2049-12-31T23:59:59Z"), t.getDate().toInstant());
    }

    @Test
    void generalizedTimeFrom2050() throws Exception {
        Time t = BouncyCastleCertificateSigner.time(Instant.parse("2050-01-01T00:00:00Z"));
        assertInstanceOf(ASN1GeneralizedTime.class, t.toASN1Primitive());
        assertEquals(Instant.parse("2050-01-01T00:00:00Z"), t.getDate().toInstant());
    }

    @Test
    void aTypicalSvidTime() throws Exception {
        Instant i = Instant.parse("2026-12-05T14:59:07Z");
        assertEquals(i, BouncyCastleCertificateSigner.time(i).getDate().toInstant());
    }
}
