package dev.bulwark.cli.agent;

import dev.bulwark.cli.TlsOptions;
import dev.bulwark.mesh.bundle.BundleSet;
import dev.bulwark.mesh.bundle.TrustBundle;
import dev.bulwark.mesh.ca.KeyAlgorithm;
import dev.bulwark.mesh.ca.Pem;
import dev.bulwark.mesh.node.NodeBootstrap;
import dev.bulwark.mesh.node.NodeCredentials;
import dev.bulwark.mesh.spiffe.TrustDomain;
import dev.bulwark.mesh.tls.SvidDirectory;
import io.grpc.ChannelCredentials;
import io.grpc.InsecureChannelCredentials;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.InstantSource;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import picocli.CommandLine.Option;

/**
 * How {@code agent start} authenticates to the control plane: a node SVID bootstrapped from MeshCA with a
 * join token ({@code --mesh-ca --join-token --trust-bundle --trust-domain}), a fixed SVID from files
 * ({@code --tls-dir}), or nothing (plaintext, development).
 */
final class AgentTlsOptions {

    @Option(names = "--mesh-ca", paramLabel = "HOST:PORT", description = {
            "Bootstrap the node SVID spiffe://TD/node/<--node> from MeshCA with --join-token (the key is made",
            "here; only a CSR is sent), renew it at half-life, and use it for the distributor and allocator."})
    String meshCa;

    @Option(names = "--join-token", paramLabel = "TOKEN", defaultValue = "${env:BULWARK_JOIN_TOKEN}",
            description = "One-time token from `bulwark ca token` (env BULWARK_JOIN_TOKEN keeps it out of ps).")
    String joinToken;

    @Option(names = "--trust-bundle", paramLabel = "FILE",
            description = "PEM roots of the cluster's trust domain (`bulwark ca bundle --format pem`), trusted for the bootstrap.")
    Path trustBundle;

    @Option(names = "--trust-domain", paramLabel = "TD", description = "The cluster's trust domain, e.g. cluster-a.example.")
    String trustDomain;

    @Option(names = "--tls-dir", paramLabel = "DIR",
            description = "Instead of --mesh-ca: a fixed node SVID in DIR (svid.key, svid.pem, bundle.pem from `bulwark ca issue`).")
    Path tlsDir;

    /**
     * The agent's control-plane credentials and what to stop with it; {@code node} is the bootstrapped
     * node identity (MeshCA client, bundles) with --mesh-ca, null otherwise.
     */
    record ControlPlane(ChannelCredentials credentials, AutoCloseable resources, NodeCredentials node) implements AutoCloseable {
        @Override
        public void close() {
            try {
                resources.close();
            } catch (Exception e) {
                // stopping anyway
            }
        }
    }

    /** Builds the credentials (attesting the node when --mesh-ca is given); bad options throw naming the option. */
    ControlPlane connect(String node, PrintWriter log) {
        if (tlsDir != null && meshCa != null) {
            throw new IllegalArgumentException("--tls-dir and --mesh-ca: give one of them");
        }
        if (tlsDir != null) {
            SvidDirectory dir = SvidDirectory.load(tlsDir);
            log.println("agent: control plane on mTLS as " + dir.svid().id() + " (from " + tlsDir + ")");
            return new ControlPlane(TlsOptions.dialling(dir).channelCredentials(), () -> { }, null);
        }
        if (meshCa == null) {
            return new ControlPlane(InsecureChannelCredentials.create(), () -> { }, null);
        }
        String[] hp = AgentCommand.hostPort(meshCa, "--mesh-ca");
        if (trustDomain == null || trustBundle == null) {
            throw new IllegalArgumentException("--mesh-ca: needs --trust-domain and --trust-bundle");
        }
        if (joinToken == null || joinToken.isBlank()) {
            throw new IllegalArgumentException("--mesh-ca: needs --join-token (or BULWARK_JOIN_TOKEN)");
        }
        TrustDomain td = TrustDomain.parse(trustDomain);
        BundleSet bundles = BundleSet.of(new TrustBundle(td, 0, readRoots(trustBundle), Duration.ZERO));
        NodeBootstrap bootstrap = new NodeBootstrap(hp[0], Integer.parseInt(hp[1]), node, joinToken, bundles, td,
                KeyAlgorithm.EC_P256, Duration.ofSeconds(5));
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform()
                .daemon().name("agent-node-svid").unstarted(r));
        try {
            NodeCredentials credentials = NodeCredentials.bootstrap(bootstrap, InstantSource.system(), new SecureRandom(), scheduler);
            log.println("agent: node SVID " + credentials.svid().id() + " from MeshCA " + meshCa + ", valid until "
                    + credentials.svid().notAfter() + ", renewing at " + credentials.renewAt());
            return new ControlPlane(credentials.tls().channelCredentials(), () -> {
                credentials.close();
                scheduler.shutdownNow();
            }, credentials);
        } catch (RuntimeException e) {
            scheduler.shutdownNow();
            throw e;
        }
    }

    private static java.util.List<java.security.cert.X509Certificate> readRoots(Path file) {
        try {
            var roots = Pem.readCertificates(Files.readAllBytes(file));
            if (roots.isEmpty()) {
                throw new IllegalArgumentException("--trust-bundle " + file + ": no certificate in it");
            }
            return roots;
        } catch (IOException e) {
            throw new IllegalArgumentException("--trust-bundle " + file + ": cannot read (" + e.getMessage() + ")", e);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(e.getMessage().startsWith("--trust-bundle") ? e.getMessage()
                    : "--trust-bundle " + file + ": " + e.getMessage(), e);
        }
    }
}
