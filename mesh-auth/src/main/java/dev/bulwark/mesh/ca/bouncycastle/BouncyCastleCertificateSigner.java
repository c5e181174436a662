package dev.bulwark.mesh.ca.bouncycastle;

import dev.bulwark.mesh.ca.CertificateSigner;
import dev.bulwark.mesh.ca.CertificateTemplate;
import dev.bulwark.mesh.ca.CertificationRequest;
import dev.bulwark.mesh.ca.CsrRejectedException;
import dev.bulwark.mesh.ca.KeyAlgorithm;
import dev.bulwark.mesh.ca.SigningKey;
import dev.bulwark.mesh.spiffe.SpiffeId;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.X509EncodedKeySpec;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.ASN1GeneralizedTime;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1UTCTime;
import org.bouncycastle.asn1.edec.EdECObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.ExtensionsGenerator;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x509.Time;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.PKCSException;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;

/**
 * Builds SVIDs and signing certificates by the X.509-SVID rules and reads CSRs. Stateless and
 * thread-safe. Subject: {@code O=Bulwark, CN=<commonName>}; the SPIFFE ID is the only URI SAN; SKI and
 * AKI are explicit so chains build unambiguously across CA rotations.
 */
public final class BouncyCastleCertificateSigner implements CertificateSigner {

    private static final DateTimeFormatter UTC_TIME = DateTimeFormatter.ofPattern("yyMMddHHmmss'Z'");
    private static final DateTimeFormatter GENERALIZED_TIME = DateTimeFormatter.ofPattern("yyyyMMddHHmmss'Z'");
    /** CertificateFactory instances are not documented thread-safe; one per thread avoids a lookup per SVID. */
    private static final ThreadLocal<CertificateFactory> CERTIFICATE_FACTORY = ThreadLocal.withInitial(() -> {
        try {
            return CertificateFactory.getInstance("X.509");
        } catch (java.security.cert.CertificateException e) {
            throw new IllegalStateException("the JDK has no X.509 certificate factory", e);
        }
    });

    @Override
    public X509Certificate selfSign(CertificateTemplate t, KeyPair keyPair) {
        return build(t, subject(t), keyPair.getPrivate(), null);
    }

    @Override
    public X509Certificate sign(CertificateTemplate t, SigningKey issuer) {
        return build(t, X500Name.getInstance(issuer.certificate().getSubjectX500Principal().getEncoded()),
                issuer.privateKey(), issuer.certificate());
    }

    private X509Certificate build(CertificateTemplate t, X500Name issuerName, PrivateKey signingKey,
                                  X509Certificate issuerCert) {
        try {
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            // Times are encoded here rather than from java.util.Date: BouncyCastle formats a Date with a new
            // SimpleDateFormat per call, a measurable share of issuing an SVID.
            X509v3CertificateBuilder b = new X509v3CertificateBuilder(issuerName, t.serial(), time(t.notBefore()),
                    time(t.notAfter()), subject(t), SubjectPublicKeyInfo.getInstance(t.publicKey().getEncoded()));
            b.addExtension(Extension.subjectAlternativeName, false,
                    new GeneralNames(new GeneralName(GeneralName.uniformResourceIdentifier, t.id().toString())));
            b.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(t.publicKey()));
            b.addExtension(Extension.authorityKeyIdentifier, false, issuerCert == null
                    ? ext.createAuthorityKeyIdentifier(t.publicKey())
                    : ext.createAuthorityKeyIdentifier(issuerCert));
            if (t.ca()) {
                b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
                b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            } else {
                b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
                b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
                b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(
                        new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}));
            }
            X509CertificateHolder holder = b.build(contentSigner(signingKey));
            return (X509Certificate) CERTIFICATE_FACTORY.get().generateCertificate(new ByteArrayInputStream(holder.getEncoded()));
        } catch (IOException | GeneralSecurityException | OperatorCreationException e) {
            throw new IllegalStateException("cannot build a certificate for " + t.id(), e);
        }
    }

    /** RFC 5280 §4.1.2.5: UTCTime through 2049, GeneralizedTime from 2050; whole seconds, UTC. */
    static Time time(Instant instant) {
        ZonedDateTime utc = instant.truncatedTo(ChronoUnit.SECONDS).atZone(ZoneOffset.UTC);
        boolean utcTime = utc.getYear() < 2050 && utc.getYear() >= 1950;
        byte[] text = (utcTime ? UTC_TIME : GENERALIZED_TIME).format(utc).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        // From DER bytes, because the String constructors validate the text with a new SimpleDateFormat.
        byte[] der = new byte[text.length + 2];
        der[0] = (byte) (utcTime ? 0x17 : 0x18);
        der[1] = (byte) text.length;
        System.arraycopy(text, 0, der, 2, text.length);
        return new Time(utcTime ? ASN1UTCTime.getInstance(der) : ASN1GeneralizedTime.getInstance(der));
    }

    private static X500Name subject(CertificateTemplate t) {
        X500NameBuilder n = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.O, "Bulwark");
        if (t.commonName() != null && !t.commonName().isEmpty()) {
            n.addRDN(BCStyle.CN, t.commonName());
        }
        return n.build();
    }

    private static ContentSigner contentSigner(PrivateKey key) throws OperatorCreationException {
        String alg = switch (key.getAlgorithm()) {
            case "EC" -> KeyAlgorithm.EC_P256.signatureAlgorithm();
            case "RSA" -> KeyAlgorithm.RSA_2048.signatureAlgorithm();
            case "Ed25519", "EdDSA" -> KeyAlgorithm.ED25519.signatureAlgorithm();
            default -> throw new IllegalArgumentException("unsupported signing key " + key.getAlgorithm());
        };
        return new JcaContentSignerBuilder(alg).build(key);
    }

    @Override
    public CertificationRequest readRequest(byte[] der) throws CsrRejectedException {
        PKCS10CertificationRequest csr;
        try {
            csr = new PKCS10CertificationRequest(der);
        } catch (IOException | RuntimeException e) {
            throw new CsrRejectedException("not a DER PKCS#10 certification request (" + e.getMessage() + ")", e);
        }
        PublicKey key = publicKey(csr.getSubjectPublicKeyInfo());
        if (KeyAlgorithm.of(key) == null) {
            throw new CsrRejectedException("unsupported public key " + key.getAlgorithm()
                    + " (the CA certifies EC P-256, Ed25519 and RSA 2048..4096)");
        }
        try {
            if (!csr.isSignatureValid(new JcaContentVerifierProviderBuilder().build(key))) {
                throw new CsrRejectedException(
                        "signature does not verify with the request's public key (no proof of possession)");
            }
        } catch (OperatorCreationException | PKCSException | RuntimeException e) {
            throw new CsrRejectedException("signature cannot be verified with the request's public key ("
                    + e.getMessage() + ")", e);
        }
        return new CertificationRequest(key, uriSans(csr));
    }

    private static PublicKey publicKey(SubjectPublicKeyInfo spki) throws CsrRejectedException {
        ASN1ObjectIdentifier oid = spki.getAlgorithm().getAlgorithm();
        String alg;
        if (oid.equals(X9ObjectIdentifiers.id_ecPublicKey)) {
            alg = "EC";
        } else if (oid.equals(PKCSObjectIdentifiers.rsaEncryption)) {
            alg = "RSA";
        } else if (oid.equals(EdECObjectIdentifiers.id_Ed25519)) {
            alg = "Ed25519";
        } else {
            throw new CsrRejectedException("unsupported public key algorithm " + oid.getId());
        }
        try {
            return KeyFactory.getInstance(alg).generatePublic(new X509EncodedKeySpec(spki.getEncoded()));
        } catch (IOException | GeneralSecurityException e) {
            throw new CsrRejectedException("public key is not a valid " + alg + " key (" + e.getMessage() + ")", e);
        }
    }

    private static List<URI> uriSans(PKCS10CertificationRequest csr) throws CsrRejectedException {
        List<URI> out = new ArrayList<>();
        for (var attr : csr.getAttributes(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest)) {
            for (var value : attr.getAttrValues()) {
                var extensions = org.bouncycastle.asn1.x509.Extensions.getInstance(value);
                GeneralNames names = GeneralNames.fromExtensions(extensions, Extension.subjectAlternativeName);
                if (names == null) {
                    continue;
                }
                for (GeneralName n : names.getNames()) {
                    if (n.getTagNo() == GeneralName.uniformResourceIdentifier) {
                        try {
                            out.add(new URI(n.getName().toString()));
                        } catch (java.net.URISyntaxException e) {
                            throw new CsrRejectedException("URI SAN is not a URI: " + e.getMessage(), e);
                        }
                    }
                }
            }
        }
        return out;
    }

    @Override
    public byte[] createRequest(KeyPair keyPair, SpiffeId id) {
        try {
            ExtensionsGenerator ext = new ExtensionsGenerator();
            ext.addExtension(Extension.subjectAlternativeName, false,
                    new GeneralNames(new GeneralName(GeneralName.uniformResourceIdentifier, id.toString())));
            return new JcaPKCS10CertificationRequestBuilder(new X500Name("O=Bulwark"), keyPair.getPublic())
                    .addAttribute(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest, ext.generate())
                    .build(contentSigner(keyPair.getPrivate()))
                    .getEncoded();
        } catch (IOException | OperatorCreationException e) {
            throw new IllegalStateException("cannot build a CSR for " + id, e);
        }
    }
}
