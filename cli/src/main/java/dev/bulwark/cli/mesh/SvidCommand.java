package dev.bulwark.cli.mesh;

import dev.bulwark.cli.ExitCode;
import dev.bulwark.cli.Json;
import dev.bulwark.cli.OutputOptions;
import dev.bulwark.mesh.bundle.BundleSet;
import dev.bulwark.mesh.bundle.Jwks;
import dev.bulwark.mesh.bundle.TrustBundle;
import dev.bulwark.mesh.ca.Pem;
import dev.bulwark.mesh.ca.SvidRules;
import dev.bulwark.mesh.spiffe.SpiffeId;
import dev.bulwark.mesh.tls.PeerValidation;
import dev.bulwark.mesh.tls.SvidValidator;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code bulwark svid inspect CERT}: what an X.509-SVID says and every rule it breaks. */
@Command(name = "svid", description = "Inspect X.509-SVIDs.", subcommands = SvidCommand.Inspect.class)
public final class SvidCommand {

    private SvidCommand() {
    }

    @Command(name = "inspect", description = {
            "Print the SPIFFE ID, trust domain, validity and issuer of the first certificate in CERT (PEM or DER)",
            "and every X.509-SVID rule it breaks as a leaf (one URI SAN, a SPIFFE ID with a path, CA:FALSE, critical",
            "keyUsage with digitalSignature and without keyCertSign/cRLSign, EKU serverAuth+clientAuth, a serial of",
            ">= 64 bits, validity now). Further certificates in CERT are checked as signing certificates. With",
            "--bundle, the chain is also validated against that JWKS bundle. Exits 1 if any rule is broken."})
    static final class Inspect implements Callable<Integer> {

        @Mixin
        OutputOptions output;

        @Parameters(paramLabel = "CERT", description = "A PEM (or DER) file: the SVID, optionally followed by its intermediates.")
        Path cert;

        @Option(names = "--bundle", paramLabel = "JWKS", description = "Validate the chain against this bundle (of the SVID's trust domain).")
        Path bundle;

        @Override
        public Integer call() {
            List<X509Certificate> chain;
            TrustBundle trusted = null;
            try {
                chain = Pem.readCertificates(Files.readAllBytes(cert));
            } catch (IOException e) {
                output.error("CERT: cannot read " + cert + ": " + e.getMessage());
                return ExitCode.UNAVAILABLE;
            } catch (IllegalArgumentException e) {
                output.error("CERT: " + cert + ": " + e.getMessage());
                return ExitCode.PROBLEM;
            }
            X509Certificate leaf = chain.getFirst();
            Optional<SpiffeId> id = SvidRules.spiffeId(leaf);
            if (bundle != null) {
                try {
                    if (id.isEmpty()) {
                        throw new IllegalArgumentException("the certificate has no SPIFFE ID to pick a trust domain by");
                    }
                    trusted = Jwks.read(id.get().trustDomain(), Files.readString(bundle));
                } catch (IOException | IllegalArgumentException e) {
                    output.error("--bundle: " + bundle + ": " + e.getMessage());
                    return ExitCode.PROBLEM;
                }
            }
            Instant now = Instant.now();
            List<String> violations = new ArrayList<>(SvidRules.leafViolations(leaf));
            validity(leaf, now).ifPresent(violations::add);
            for (int i = 1; i < chain.size(); i++) {
                X509Certificate c = chain.get(i);
                for (String v : SvidRules.signingViolations(c)) {
                    violations.add("chain[" + i + "]: " + v);
                }
                int index = i;
                validity(c, now).ifPresent(v -> violations.add("chain[" + index + "]: " + v));
            }
            if (trusted != null && id.isPresent()) {
                PeerValidation v = new SvidValidator(InstantSource.system()).validate(chain, BundleSet.of(trusted));
                if (v instanceof PeerValidation.Invalid invalid && !violations.contains(invalid.reason())) {
                    violations.add("bundle: " + invalid.reason());
                }
            }
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("file", cert.toString());
            doc.put("spiffeId", id.map(SpiffeId::toString).orElse(null));
            doc.put("trustDomain", id.map(s -> s.trustDomain().name()).orElse(null));
            doc.put("path", id.map(SpiffeId::path).orElse(null));
            doc.put("uriSans", SvidRules.uriSans(leaf));
            doc.put("subject", leaf.getSubjectX500Principal().getName());
            doc.put("issuer", leaf.getIssuerX500Principal().getName());
            doc.put("serial", leaf.getSerialNumber().toString(16));
            doc.put("notBefore", leaf.getNotBefore().toInstant().toString());
            doc.put("notAfter", leaf.getNotAfter().toInstant().toString());
            doc.put("ca", leaf.getBasicConstraints() != -1);
            doc.put("chainLength", chain.size());
            doc.put("bundleChecked", trusted != null);
            doc.put("valid", violations.isEmpty());
            doc.put("violations", violations);
            if (output.json()) {
                Json.print(output.out(), doc);
            } else {
                PrintWriter out = output.out();
                doc.forEach((k, v) -> {
                    if (!k.equals("violations")) {
                        out.printf("%-14s %s%n", k, v == null ? "-" : v);
                    }
                });
                if (violations.isEmpty()) {
                    out.println("OK: no X.509-SVID rule is broken");
                } else {
                    out.println("BROKEN RULES (" + violations.size() + "):");
                    violations.forEach(v -> out.println("  - " + v));
                }
                out.flush();
            }
            return violations.isEmpty() ? ExitCode.OK : ExitCode.PROBLEM;
        }

        private static Optional<String> validity(X509Certificate c, Instant now) {
            if (now.isBefore(c.getNotBefore().toInstant())) {
                return Optional.of("not valid before " + c.getNotBefore().toInstant() + " (now " + now + ")");
            }
            if (now.isAfter(c.getNotAfter().toInstant())) {
                return Optional.of("expired at " + c.getNotAfter().toInstant() + " (now " + now + ")");
            }
            return Optional.empty();
        }
    }
}
