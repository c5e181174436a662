package dev.bulwark.cli.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bulwark.agent.server.NodeAgent;
import dev.bulwark.agent.server.NodeAgentConfig;
import dev.bulwark.cli.TlsOptions;
import dev.bulwark.identity.server.IdentityAllocatorConfig;
import dev.bulwark.identity.server.IdentityAllocatorServer;
import dev.bulwark.mesh.bundle.BundleSet;
import dev.bulwark.mesh.ca.AllowListAuthorizer;
import dev.bulwark.mesh.ca.CaSettings;
import dev.bulwark.mesh.ca.IssuedSvid;
import dev.bulwark.mesh.ca.KeyAlgorithm;
import dev.bulwark.mesh.ca.Pem;
import dev.bulwark.mesh.server.MeshCaConfig;
import dev.bulwark.mesh.server.MeshCaServer;
import dev.bulwark.mesh.spiffe.SpiffeId;
import dev.bulwark.mesh.spiffe.TrustDomain;
import dev.bulwark.mesh.tls.SvidDirectory;
import dev.bulwark.policy.compile.EngineConfig;
import dev.bulwark.policy.distribution.pipeline.IncrementalEngineCompilation;
import dev.bulwark.policy.distribution.server.DistributorConfig;
import dev.bulwark.policy.distribution.server.DistributorServer;
import dev.bulwark.policy.distribution.server.TransportSecurity;
import dev.bulwark.policy.distribution.stream.NodeSvidAuthenticator;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole control plane on mTLS as the commands wire it: MeshCA; an allocator and a distributor serving
 * with SVIDs from {@code ca issue}-style directories ({@code --tls-dir}); an agent bootstrapped with a join
 * token ({@code --mesh-ca --join-token --trust-bundle --trust-domain}) that follows the distributor stream
 * and allocates an endpoint identity with its node SVID. A plaintext agent is refused.
 */
class ControlPlaneMtlsIT {

    static final TrustDomain TD = TrustDomain.parse("cluster-a.example");
    static final String NODE = "bulwark-dev";

    final SecureRandom random = new SecureRandom();
    final List<AutoCloseable> open = new ArrayList<>();
    final StringWriter log = new StringWriter();

    @TempDir
    Path dir;

    @AfterEach
    void stop() {
        for (AutoCloseable c : open.reversed()) {
            try {
                c.close();
            } catch (Exception e) {
                // stopping anyway
            }
        }
    }

    /** What {@code bulwark ca issue --id ID --out-dir DIR} leaves behind. */
    Path issue(MeshCaServer ca, String path, String name) throws Exception {
        KeyPair kp = KeyAlgorithm.EC_P256.generate(random);
        IssuedSvid svid = ca.authority().issue(new SpiffeId(TD, path), kp.getPublic(), Duration.ZERO);
        Path out = Files.createDirectories(dir.resolve(name));
        Files.writeString(out.resolve("svid.key"), Pem.privateKey(kp.getPrivate()));
        Files.writeString(out.resolve("svid.pem"), Pem.certificates(svid.chain()));
        Files.writeString(out.resolve("bundle.pem"), Pem.certificates(ca.authority().bundle().authorities()));
        return out;
    }

    static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("not within 60 s: " + what);
            }
            Thread.sleep(50);
        }
    }

    @Test
    void anAgentBootstrappedWithAJoinTokenRunsOnMtlsAndAPlaintextAgentIsRefused() throws Exception {
        MeshCaServer ca = new MeshCaServer(new MeshCaConfig(CaSettings.defaults(TD, "a"), dir.resolve("ca"), "127.0.0.1", 0,
                100, 20), new AllowListAuthorizer(Map.of()), () -> BundleSet.EMPTY, InstantSource.system(), random);
        open.add(ca);

        SvidDirectory allocatorTls = SvidDirectory.load(issue(ca, "/bulwark/allocator", "allocator"));
        IdentityAllocatorConfig allocatorConfig = IdentityAllocatorConfig.loopbackCluster(1, dir.resolve("identity"), 1).getFirst();
        IdentityAllocatorServer allocator = IdentityAllocatorServer.start(allocatorConfig, InstantSource.system(),
                TlsOptions.serving(allocatorTls).serverCredentials(true));
        open.add(allocator);
        await("an allocator leader", allocator::isLeader);

        SvidDirectory distributorTls = SvidDirectory.load(issue(ca, "/bulwark/distributor", "distributor"));
        Path watched = Files.createDirectories(dir.resolve("objects"));
        Files.copy(Path.of("../examples/00-shop.yaml"), watched.resolve("00-shop.yaml"));
        DistributorServer distributor = DistributorServer.start(new DistributorConfig("d1", "127.0.0.1", 0,
                        new DistributorConfig.Directory(watched), allocatorConfig.self().grpcAddress(), 16, Duration.ofSeconds(30),
                        Duration.ofMillis(20), Optional.empty()), new IncrementalEngineCompilation(EngineConfig.DEFAULT),
                new NodeSvidAuthenticator(TD), new TransportSecurity(TlsOptions.serving(distributorTls).serverCredentials(true),
                        TlsOptions.dialling(distributorTls).channelCredentials()));
        open.add(distributor);

        Path trustBundle = dir.resolve("trust-bundle.pem");
        Files.writeString(trustBundle, Pem.certificates(ca.authority().bundle().authorities()));
        AgentTlsOptions options = new AgentTlsOptions();
        options.meshCa = "127.0.0.1:" + ca.port();
        options.joinToken = ca.joinTokens().issue(NODE, Duration.ofMinutes(5));
        options.trustBundle = trustBundle;
        options.trustDomain = TD.name();
        AgentTlsOptions.ControlPlane controlPlane = options.connect(NODE, new PrintWriter(log, true));
        open.add(controlPlane);
        assertTrue(log.toString().contains("node SVID spiffe://cluster-a.example/node/bulwark-dev"), log.toString());

        NodeAgent agent = new NodeAgent(config(NODE, distributor.grpcPort(), allocatorConfig.self().grpcAddress()),
                new PrintWriter(log, true), controlPlane.credentials());
        open.add(agent);
        int api = agent.start();
        await("the agent applies its node's policy over mTLS",
                () -> agent.client().status().connected() && agent.client().state().endpoints().size() == 3);

        // The agent allocates an endpoint identity from the allocator with its node SVID.
        HttpResponse<String> attached = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + api + "/v1/endpoints"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"web-1\",\"labels\":{\"app\":\"web\"}}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, attached.statusCode(), attached.body());
        assertTrue(attached.body().contains("\"identity\":"), attached.body());

        // An agent without credentials never gets a stream.
        NodeAgent plaintext = new NodeAgent(config("node-2", distributor.grpcPort(), null), new PrintWriter(log, true));
        open.add(plaintext);
        plaintext.start();
        await("the plaintext agent is refused", () -> plaintext.client().status().lastError().contains("UNAVAILABLE"));
        assertFalse(plaintext.client().status().connected());
        assertEquals(0, plaintext.client().status().version());
    }

    static NodeAgentConfig config(String node, int distributorPort, String identity) {
        return new NodeAgentConfig(node, "127.0.0.1", distributorPort, "127.0.0.1", 0, Path.of("/nonexistent"),
                NodeAgentConfig.Mode.MODEL, Duration.ofMillis(100), Duration.ofSeconds(1), identity);
    }
}
