package dev.bulwark.cli.mesh;

import dev.bulwark.cli.ExitCode;
import dev.bulwark.cli.Json;
import dev.bulwark.cli.OutputOptions;
import dev.bulwark.cli.Table;
import dev.bulwark.cli.identity.DurationConverter;
import dev.bulwark.mesh.bundle.Jwks;
import dev.bulwark.mesh.bundle.TrustBundle;
import dev.bulwark.mesh.ca.Authority;
import dev.bulwark.mesh.ca.CaSettings;
import dev.bulwark.mesh.ca.CertificateAuthority;
import dev.bulwark.mesh.ca.IssuedSvid;
import dev.bulwark.mesh.ca.JoinTokens;
import dev.bulwark.mesh.ca.Pem;
import dev.bulwark.mesh.server.DirectoryAuthorityStore;
import dev.bulwark.mesh.server.DirectoryTokenLedger;
import dev.bulwark.mesh.server.MeshCaServer;
import dev.bulwark.mesh.spiffe.SpiffeId;
import dev.bulwark.mesh.spiffe.TrustDomain;
import dev.bulwark.model.NumericIdentity;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code bulwark ca}: the SPIFFE CA of one trust domain, kept in a data directory. */
@Command(name = "ca", description = "The mesh-auth SPIFFE CA: run it, issue SVIDs, print the bundle, rotate, make join tokens.",
        subcommands = {CaStartCommand.class, CaCommand.Issue.class, CaCommand.Bundle.class, CaCommand.Rotate.class,
                CaCommand.Token.class})
public final class CaCommand {

    private CaCommand() {
    }

    @Command(name = "issue", description = {
            "Issue an X.509-SVID from the CA in --data-dir (which must not be running: it takes the directory's lock).",
            "Writes svid.key (PKCS#8), svid.pem (chain, leaf first) and bundle.pem (the roots) into --out-dir,",
            "owner-only. The private key is generated here and never leaves this machine."})
    static final class Issue implements Callable<Integer> {

        @Mixin
        OutputOptions output;

        @Mixin
        CaOptions ca;

        static final class Subject {
            @Option(names = "--id", paramLabel = "SPIFFE-ID", description = "Any ID of the trust domain with a path.")
            String id;

            @Option(names = "--identity", paramLabel = "N", description = "A numeric identity: spiffe://TD/identity/N.")
            Integer identity;

            @Option(names = "--workload", paramLabel = "NS/SA", description = "A service account: spiffe://TD/ns/NS/sa/SA.")
            String workload;
        }

        @ArgGroup(exclusive = true, multiplicity = "1")
        Subject subject;

        @Option(names = "--ttl", converter = DurationConverter.class, description = "Requested lifetime (default: --svid-ttl).")
        Duration ttl = Duration.ZERO;

        @Option(names = "--out-dir", required = true, paramLabel = "DIR", description = "Where to write the files (created owner-only).")
        Path outDir;

        @Override
        @SuppressWarnings("try") // the lock is held for the try block's duration; it is not otherwise used
        public Integer call() throws Exception {
            SecureRandom random = new SecureRandom();
            InstantSource clock = InstantSource.system();
            SpiffeId id;
            CaSettings settings;
            try {
                settings = ca.settings();
                id = subjectId(settings.trustDomain());
            } catch (IllegalArgumentException e) {
                output.error(e.getMessage());
                return ExitCode.USAGE;
            }
            try (LocalCa lock = LocalCa.lock(ca.dataDir)) {
                CertificateAuthority authority = LocalCa.authority(ca.dataDir, settings, clock, random);
                KeyPair keys = ca.algorithm().generate(random);
                IssuedSvid svid = authority.issue(id, keys.getPublic(), ttl);
                if (!Files.isDirectory(outDir)) {
                    Files.createDirectories(outDir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
                }
                DirectoryAuthorityStore.write(outDir.resolve("svid.key"), Pem.privateKey(keys.getPrivate()));
                DirectoryAuthorityStore.write(outDir.resolve("svid.pem"), Pem.certificates(svid.chain()));
                DirectoryAuthorityStore.write(outDir.resolve("bundle.pem"), Pem.certificates(authority.bundle().authorities()));
                Map<String, Object> doc = new LinkedHashMap<>();
                doc.put("spiffeId", svid.id().toString());
                doc.put("notAfter", svid.notAfter().toString());
                doc.put("renewAfter", svid.renewAfter().toString());
                doc.put("key", outDir.resolve("svid.key").toString());
                doc.put("chain", outDir.resolve("svid.pem").toString());
                doc.put("bundle", outDir.resolve("bundle.pem").toString());
                print(output, doc);
                return ExitCode.OK;
            } catch (LocalCa.BusyException e) {
                output.error(e.getMessage());
                return ExitCode.PROBLEM;
            }
        }

        private SpiffeId subjectId(TrustDomain td) {
            if (subject.id != null) {
                SpiffeId parsed = SpiffeId.parse(subject.id);
                if (!parsed.trustDomain().equals(td) || parsed.isRoot()) {
                    throw new IllegalArgumentException("--id: " + parsed + " is not a leaf ID of trust domain " + td);
                }
                return parsed;
            }
            if (subject.identity != null) {
                return SpiffeId.ofIdentity(td, NumericIdentity.of(subject.identity));
            }
            int slash = subject.workload.indexOf('/');
            if (slash <= 0 || slash == subject.workload.length() - 1) {
                throw new IllegalArgumentException("--workload: expected NAMESPACE/SERVICE-ACCOUNT, got '" + subject.workload + "'");
            }
            return SpiffeId.ofServiceAccount(td, subject.workload.substring(0, slash), subject.workload.substring(slash + 1));
        }
    }

    @Command(name = "bundle", description = {
            "Print the trust bundle of the CA in --data-dir: SPIFFE JWKS (use x509-svid, spiffe_sequence,",
            "spiffe_refresh_hint) or, with --format pem, the root certificates. Reads only; works while the CA runs."})
    static final class Bundle implements Callable<Integer> {

        @Mixin
        OutputOptions output;

        @Option(names = "--data-dir", required = true, paramLabel = "DIR", description = "The CA directory.")
        Path dataDir;

        @Option(names = "--format", defaultValue = "jwks", description = "jwks or pem (default ${DEFAULT-VALUE}).")
        String format;

        @Option(names = "--refresh-hint", defaultValue = "5m", converter = DurationConverter.class,
                description = "spiffe_refresh_hint to print (default ${DEFAULT-VALUE}).")
        Duration refreshHint;

        @Override
        public Integer call() {
            if (!format.equals("jwks") && !format.equals("pem")) {
                output.error("--format: expected jwks or pem, got '" + format + "'");
                return ExitCode.USAGE;
            }
            TrustDomain td;
            try {
                td = LocalCa.trustDomain(dataDir, null);
            } catch (IllegalArgumentException e) {
                output.error("--data-dir: " + dataDir + " holds no CA (run bulwark ca start or ca issue first)");
                return ExitCode.PROBLEM;
            }
            TrustBundle bundle = LocalCa.storedBundle(dataDir, td, refreshHint, Instant.now());
            output.out().print(format.equals("pem") ? Pem.certificates(bundle.authorities()) : Jwks.write(bundle) + "\n");
            output.out().flush();
            return ExitCode.OK;
        }
    }

    @Command(name = "rotate", description = {
            "Prepare the next authority generation now: it is published in the bundle at once and starts signing",
            "after --publish-ahead (never before peers could fetch it). The old generation stays in the bundle until",
            "the last SVID it signed expires. With --status, only apply the automatic schedule (prepare below half",
            "life, activate below a sixth) and print the generations. Takes the directory's lock."})
    static final class Rotate implements Callable<Integer> {

        @Mixin
        OutputOptions output;

        @Mixin
        CaOptions ca;

        @Option(names = "--status", description = "Do not force a rotation; print the generations.")
        boolean statusOnly;

        @Override
        @SuppressWarnings("try") // the lock is held for the try block's duration; it is not otherwise used
        public Integer call() {
            CaSettings settings;
            try {
                settings = ca.settings();
            } catch (IllegalArgumentException e) {
                output.error(e.getMessage());
                return ExitCode.USAGE;
            }
            try (LocalCa lock = LocalCa.lock(ca.dataDir)) {
                CertificateAuthority authority = LocalCa.authority(ca.dataDir, settings, InstantSource.system(), new SecureRandom());
                TrustBundle bundle = statusOnly ? authority.tick() : authority.rotate();
                Instant now = Instant.now();
                int active = authority.activeAuthority().generation();
                Table t = new Table("GENERATION", "STATE", "ACTIVATES AT", "NOT AFTER");
                for (Authority a : authority.authorities()) {
                    String state = a.generation() == active ? "active" : a.generation() > active ? "prepared" : "retired";
                    Map<String, Object> row = new LinkedHashMap<>();
                    row.put("generation", a.generation());
                    row.put("state", state);
                    row.put("activateAt", a.activateAt().toString());
                    row.put("notAfter", a.notAfter().toString());
                    row.put("bundleSequence", bundle.sequence());
                    if (output.json()) {
                        Json.print(output.out(), row);
                    } else {
                        t.row(a.generation(), state, row.get("activateAt"), a.notAfter());
                    }
                }
                if (!output.json()) {
                    t.print(output.out());
                    output.out().println("bundle sequence " + bundle.sequence() + " at " + now);
                    output.out().flush();
                }
                return ExitCode.OK;
            } catch (LocalCa.BusyException e) {
                output.error(e.getMessage());
                return ExitCode.PROBLEM;
            }
        }
    }

    @Command(name = "token", description = {
            "Create a one-time join token for node attestation (AttestNode). Only its SHA-256 digest is stored, in",
            "DIR/join-tokens, where a running 'bulwark ca start' finds it. The token is printed once."})
    static final class Token implements Callable<Integer> {

        @Mixin
        OutputOptions output;

        @Option(names = "--data-dir", required = true, paramLabel = "DIR", description = "The CA directory.")
        Path dataDir;

        @Option(names = "--node", paramLabel = "NAME", description = "Bind the token to this node name (default: any node).")
        String node;

        @Option(names = "--ttl", defaultValue = "1h", converter = DurationConverter.class,
                description = "How long the token is usable (default ${DEFAULT-VALUE}).")
        Duration ttl;

        @Override
        public Integer call() {
            if (LocalCa.storedTrustDomain(dataDir).isEmpty()) {
                output.error("--data-dir: " + dataDir + " holds no CA (run bulwark ca start first)");
                return ExitCode.PROBLEM;
            }
            if (ttl.isZero() || ttl.isNegative()) {
                output.error("--ttl: must be positive, got " + ttl);
                return ExitCode.USAGE;
            }
            JoinTokens tokens = new JoinTokens(InstantSource.system(), new SecureRandom(),
                    new DirectoryTokenLedger(dataDir.resolve(MeshCaServer.JOIN_TOKENS)));
            String token = tokens.issue(node, ttl);
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("token", token);
            doc.put("node", node == null ? "*" : node);
            doc.put("expiresAt", Instant.now().plus(ttl).toString());
            print(output, doc);
            return ExitCode.OK;
        }
    }

    static void print(OutputOptions output, Map<String, Object> doc) {
        if (output.json()) {
            Json.print(output.out(), doc);
        } else {
            Table t = new Table("FIELD", "VALUE");
            doc.forEach(t::row);
            t.print(output.out());
            output.out().flush();
        }
    }
}
