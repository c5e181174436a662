package dev.bulwark.cli.mesh;

import dev.bulwark.cli.ExitCode;
import dev.bulwark.cli.OutputOptions;
import dev.bulwark.mesh.ca.AllowListAuthorizer;
import dev.bulwark.mesh.ca.CaSettings;
import dev.bulwark.mesh.ca.Pem;
import dev.bulwark.mesh.federation.BundleEndpointServer;
import dev.bulwark.mesh.federation.EndpointProfile;
import dev.bulwark.mesh.federation.FederatedBundles;
import dev.bulwark.mesh.federation.Relationship;
import dev.bulwark.mesh.server.MeshCaConfig;
import dev.bulwark.mesh.server.MeshCaServer;
import dev.bulwark.mesh.server.SelfIssuedSvid;
import dev.bulwark.mesh.spiffe.SpiffeId;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code bulwark ca start}: MeshCA over gRPC (mTLS), optionally a bundle endpoint and federation. */
@Command(name = "start", description = {
        "Run MeshCA for the CA in --data-dir (created on first start): AttestNode with join tokens from",
        "'bulwark ca token', SignSvid for nodes holding --allow grants, WatchBundles. With --bundle-endpoint,",
        "also serve the bundle to federated trust domains; with --federate, fetch theirs. Runs until stopped."})
final class CaStartCommand implements Callable<Integer> {

    @Mixin
    OutputOptions output;

    @Mixin
    CaOptions ca;

    @Option(names = "--listen", defaultValue = "127.0.0.1:8081", paramLabel = "HOST:PORT",
            description = "MeshCA gRPC address (default ${DEFAULT-VALUE}; port 0 picks one).")
    String listen;

    @Option(names = "--allow", paramLabel = "NODE=SPIFFE-ID",
            description = "Node NODE may hold SPIFFE-ID (repeatable; NODE * means every node: development only).")
    List<String> allow = new ArrayList<>();

    @Option(names = "--sign-rate", defaultValue = "500", description = "Signatures per second per caller (default ${DEFAULT-VALUE}).")
    double signRate;

    @Option(names = "--sign-burst", defaultValue = "100", description = "Burst per caller (default ${DEFAULT-VALUE}).")
    int signBurst;

    @Option(names = "--bundle-endpoint", paramLabel = "HOST:PORT", description = "Serve the bundle here over HTTPS (GET /).")
    String bundleEndpoint;

    @Option(names = "--bundle-endpoint-profile", defaultValue = "https_spiffe", paramLabel = "PROFILE",
            description = "https_spiffe (an SVID spiffe://TD/bulwark/bundle-endpoint) or https_web (default ${DEFAULT-VALUE}).")
    String bundleProfile;

    @Option(names = "--bundle-endpoint-cert", paramLabel = "PEM", description = "https_web: server certificate chain, leaf first.")
    Path webCert;

    @Option(names = "--bundle-endpoint-key", paramLabel = "PEM", description = "https_web: the server's PKCS#8 private key.")
    Path webKey;

    @Option(names = "--federate", paramLabel = "SPEC", description = {
            "Fetch another trust domain's bundle (repeatable): td=TD,url=URL,profile=https_web[,roots=PEM] or",
            "td=TD,url=URL,profile=https_spiffe,endpoint-id=ID,bundle=JWKS-FILE."})
    List<String> federate = new ArrayList<>();

    @Option(names = "--federation-min-interval", defaultValue = "30s", converter = dev.bulwark.cli.identity.DurationConverter.class,
            description = "Never poll a peer more often than this, whatever its refresh hint (default ${DEFAULT-VALUE}).")
    Duration minInterval;

    @Override
    @SuppressWarnings("try") // the lock is held for the try block's duration; it is not otherwise used
    public Integer call() throws Exception {
        MeshCaConfig config;
        AllowListAuthorizer authorizer;
        InetSocketAddress endpointAddress = null;
        EndpointProfile profile;
        List<Relationship> relationships = new ArrayList<>();
        try {
            CaSettings settings = ca.settings();
            InetSocketAddress address = address("--listen", listen);
            config = new MeshCaConfig(settings, ca.dataDir, address.getHostString(), address.getPort(), signRate, signBurst);
            authorizer = AllowListAuthorizer.parse(allow);
            profile = EndpointProfile.parse(bundleProfile);
            if (bundleEndpoint != null) {
                endpointAddress = address("--bundle-endpoint", bundleEndpoint);
                if (profile == EndpointProfile.HTTPS_WEB && (webCert == null || webKey == null)) {
                    throw new IllegalArgumentException("--bundle-endpoint-cert and --bundle-endpoint-key: required for https_web");
                }
            }
            for (String f : federate) {
                Relationship r = FederationSpec.parse(f);
                if (r.trustDomain().equals(settings.trustDomain())) {
                    throw new IllegalArgumentException("--federate: " + r.trustDomain() + " is this CA's own trust domain");
                }
                relationships.add(r);
            }
        } catch (IllegalArgumentException e) {
            output.error(e.getMessage());
            return ExitCode.USAGE;
        }
        SecureRandom random = new SecureRandom();
        InstantSource clock = InstantSource.system();
        try (LocalCa lock = LocalCa.lock(ca.dataDir);
             FederatedBundles federated = new FederatedBundles(clock, minInterval, Duration.ofSeconds(10));
             MeshCaServer server = new MeshCaServer(config, authorizer, federated, clock, random);
             BundleEndpointServer endpoint = endpoint(endpointAddress, profile, server, clock, random)) {
            relationships.forEach(federated::add);
            federated.start();
            output.err().printf("MeshCA for %s listening on %s:%d (data %s)%s%s%n", config.ca().trustDomain(),
                    config.bindHost(), server.port(), ca.dataDir,
                    endpoint == null ? "" : ", bundle endpoint " + profile.specName() + " on " + endpoint.address(),
                    relationships.isEmpty() ? "" : ", federating with " + relationships.stream().map(r -> r.trustDomain().name()).toList());
            output.err().flush();
            CountDownLatch stopped = new CountDownLatch(1);
            Thread main = Thread.currentThread();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                main.interrupt();
                try {
                    stopped.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException ignored) {
                    // exiting anyway
                }
            }));
            try {
                // The rotation schedule only advances when something asks the CA; tick it so the bundle
                // (and its watchers) see a prepared authority even when nobody is signing.
                while (!Thread.currentThread().isInterrupted()) {
                    server.authority().tick();
                    Thread.sleep(30_000);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                stopped.countDown();
            }
            return ExitCode.OK;
        } catch (LocalCa.BusyException e) {
            output.error(e.getMessage());
            return ExitCode.PROBLEM;
        }
    }

    private BundleEndpointServer endpoint(InetSocketAddress at, EndpointProfile profile, MeshCaServer server,
                                          InstantSource clock, SecureRandom random) throws java.io.IOException {
        if (at == null) {
            return null;
        }
        var authority = server.authority();
        return switch (profile) {
            case HTTPS_SPIFFE -> BundleEndpointServer.httpsSpiffe(at, new SelfIssuedSvid(authority,
                    new SpiffeId(authority.trustDomain(), "/bulwark/bundle-endpoint"), ca.algorithm(), clock, random),
                    authority::bundle);
            case HTTPS_WEB -> BundleEndpointServer.httpsWeb(at, Pem.readPrivateKey(Files.readString(webKey)),
                    Pem.readCertificates(Files.readAllBytes(webCert)), authority::bundle);
        };
    }

    static InetSocketAddress address(String option, String hostPort) {
        int colon = hostPort.lastIndexOf(':');
        try {
            int port = Integer.parseInt(hostPort.substring(colon + 1));
            if (colon <= 0 || port < 0 || port > 65535) {
                throw new NumberFormatException();
            }
            return new InetSocketAddress(hostPort.substring(0, colon), port);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(option + ": expected HOST:PORT, got '" + hostPort + "'");
        }
    }
}
