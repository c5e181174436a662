package dev.bulwark.mesh.ca;

import dev.bulwark.mesh.spiffe.InvalidSpiffeIdException;
import dev.bulwark.mesh.spiffe.SpiffeId;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * The X.509-SVID rules (X509-SVID §2-§5) checked on one certificate. Pure: used by the validator, by
 * the CA on what it issues, and by {@code bulwark svid inspect}. Each violation is one sentence naming
 * the rule.
 */
public final class SvidRules {

    private static final String SERVER_AUTH = "1.3.6.1.5.5.7.3.1";
    private static final String CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";
    private static final int DIGITAL_SIGNATURE = 0;
    private static final int KEY_CERT_SIGN = 5;
    private static final int CRL_SIGN = 6;

    private SvidRules() {
    }

    /** The URI SANs of {@code cert} (any scheme), in order. */
    public static List<String> uriSans(X509Certificate cert) {
        List<String> out = new ArrayList<>();
        try {
            Collection<List<?>> sans = cert.getSubjectAlternativeNames();
            if (sans != null) {
                for (List<?> san : sans) {
                    if (Integer.valueOf(6).equals(san.get(0))) {
                        out.add(String.valueOf(san.get(1)));
                    }
                }
            }
        } catch (CertificateParsingException e) {
            out.clear();
        }
        return out;
    }

    /** The SPIFFE ID of {@code cert}: its single URI SAN when that parses; empty otherwise. */
    public static Optional<SpiffeId> spiffeId(X509Certificate cert) {
        List<String> uris = uriSans(cert);
        if (uris.size() != 1) {
            return Optional.empty();
        }
        try {
            return Optional.of(SpiffeId.parse(uris.get(0)));
        } catch (InvalidSpiffeIdException e) {
            return Optional.empty();
        }
    }

    /** Every leaf-SVID rule {@code cert} breaks (X509-SVID §5.2, §4.3, §4.4); empty when none. */
    public static List<String> leafViolations(X509Certificate cert) {
        List<String> v = new ArrayList<>();
        checkId(cert, v, false);
        if (cert.getBasicConstraints() != -1) {
            v.add("a leaf SVID must have CA:FALSE (X509-SVID §4.1); this is a CA certificate");
        }
        boolean[] ku = cert.getKeyUsage();
        if (ku == null) {
            v.add("keyUsage must be present (X509-SVID §4.3)");
        } else {
            if (!cert.getCriticalExtensionOIDs().contains("2.5.29.15")) {
                v.add("keyUsage must be critical (X509-SVID §4.3)");
            }
            if (!ku[DIGITAL_SIGNATURE]) {
                v.add("a leaf's keyUsage must include digitalSignature (X509-SVID §4.3)");
            }
            if (ku[KEY_CERT_SIGN] || ku[CRL_SIGN]) {
                v.add("a leaf's keyUsage must not include keyCertSign or cRLSign (X509-SVID §4.3)");
            }
        }
        try {
            List<String> eku = cert.getExtendedKeyUsage();
            if (eku != null && !(eku.contains(SERVER_AUTH) && eku.contains(CLIENT_AUTH))) {
                v.add("extendedKeyUsage, when present, must include both serverAuth and clientAuth (X509-SVID §4.4)");
            }
        } catch (CertificateParsingException e) {
            v.add("extendedKeyUsage cannot be parsed: " + e.getMessage());
        }
        if (cert.getSerialNumber().bitLength() < 64) {
            v.add("serial number has fewer than 64 bits (" + cert.getSerialNumber().bitLength()
                    + "); Bulwark issues random serials of at least 64 bits");
        }
        return v;
    }

    /** Every signing-certificate rule {@code cert} breaks (X509-SVID §3.2, §4.1, §4.3). */
    public static List<String> signingViolations(X509Certificate cert) {
        List<String> v = new ArrayList<>();
        checkId(cert, v, true);
        if (cert.getBasicConstraints() == -1) {
            v.add("a signing certificate must have CA:TRUE (X509-SVID §4.1)");
        }
        boolean[] ku = cert.getKeyUsage();
        if (ku == null || !ku[KEY_CERT_SIGN]) {
            v.add("a signing certificate's keyUsage must include keyCertSign (X509-SVID §4.3)");
        }
        if (ku != null && !cert.getCriticalExtensionOIDs().contains("2.5.29.15")) {
            v.add("keyUsage must be critical (X509-SVID §4.3)");
        }
        return v;
    }

    private static void checkId(X509Certificate cert, List<String> v, boolean signing) {
        List<String> uris = uriSans(cert);
        if (uris.isEmpty()) {
            if (!signing) {
                v.add("an SVID must have exactly one URI SAN (X509-SVID §2); it has none");
            }
            return;
        }
        if (uris.size() > 1) {
            v.add("an SVID must have exactly one URI SAN (X509-SVID §2); it has " + uris.size() + ": " + uris);
            return;
        }
        SpiffeId id;
        try {
            id = SpiffeId.parse(uris.get(0));
        } catch (InvalidSpiffeIdException e) {
            v.add("URI SAN '" + uris.get(0) + "' is not a SPIFFE ID: " + e.getMessage());
            return;
        }
        if (signing && !id.isRoot()) {
            v.add("a signing certificate's SPIFFE ID must have no path (X509-SVID §3.2): " + id);
        }
        if (!signing && id.isRoot()) {
            v.add("a leaf SVID's SPIFFE ID must have a non-root path (X509-SVID §3.1): " + id);
        }
        if (cert.getSubjectX500Principal().getName().isEmpty()
                && !cert.getCriticalExtensionOIDs().contains("2.5.29.17")) {
            v.add("with an empty subject the SAN extension must be critical (X509-SVID §3.1)");
        }
    }
}
