package dev.bulwark.agent.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bulwark.agent.datapath.AuthKey;
import dev.bulwark.agent.datapath.InMemoryAuthMap;
import dev.bulwark.mesh.bundle.BundleSet;
import dev.bulwark.mesh.ca.AllowListAuthorizer;
import dev.bulwark.mesh.ca.CaSettings;
import dev.bulwark.mesh.ca.KeyAlgorithm;
import dev.bulwark.mesh.node.NodeBootstrap;
import dev.bulwark.mesh.node.NodeCredentials;
import dev.bulwark.mesh.server.MeshCaConfig;
import dev.bulwark.mesh.server.MeshCaServer;
import dev.bulwark.mesh.spiffe.TrustDomain;
import dev.bulwark.model.NumericIdentity;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The product path of identity SVIDs: two agents bootstrap node SVIDs from a real MeshCA (gRPC, join
 * tokens), get the SVIDs of their endpoints' identities signed by it over mTLS (key made locally, CSR
 * only) and authenticate each other; MeshCA's authoriser keeps a node from obtaining, and so presenting,
 * an identity it does not run.
 */
@org.junit.jupiter.api.Timeout(value = 120, unit = java.util.concurrent.TimeUnit.SECONDS)
class MeshCaEndpointAuthIT {

    static final TrustDomain TD = TrustDomain.parse("cluster-a.example");
    static final TrustDomains TDS = TrustDomains.single(TD);
    final SecureRandom random = new SecureRandom();
    final List<AutoCloseable> open = new ArrayList<>();

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

    record Agent(NodeCredentials node, IdentitySvids svids, InMemoryAuthMap auth, AuthHandshake handshake, InetSocketAddress address) {
    }

    Agent agent(MeshCaServer ca, String name, AuthDemand demand) throws Exception {
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
        open.add(scheduler::shutdownNow);
        NodeCredentials node = NodeCredentials.bootstrap(new NodeBootstrap("127.0.0.1", ca.port(), name,
                        ca.joinTokens().issue(name, Duration.ofMinutes(5)), BundleSet.of(ca.authority().bundle()), TD,
                        KeyAlgorithm.EC_P256, Duration.ofSeconds(1)), InstantSource.system(), random, scheduler);
        open.add(node);
        IdentitySvids svids = new IdentitySvids(id -> node.meshCa().signIdentity(TD, NumericIdentity.of(id), Duration.ZERO),
                InstantSource.system());
        InMemoryAuthMap auth = new InMemoryAuthMap();
        AuthHandshake handshake = new AuthHandshake(TDS, svids, node, auth, () -> demand, InstantSource.system(), Duration.ofSeconds(10));
        open.add(handshake);
        InetSocketAddress at = handshake.listen(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        return new Agent(node, svids, auth, handshake, at);
    }

    @Test
    void agentsAuthenticateWithIdentitySvidsFromMeshCaAndCannotObtainOthers() throws Exception {
        MeshCaServer ca = new MeshCaServer(new MeshCaConfig(CaSettings.defaults(TD, "a"), dir.resolve("ca"), "127.0.0.1", 0, 100, 20),
                new AllowListAuthorizer(Map.of("n1", Set.of(TDS.spiffeId(1001)), "n2", Set.of(TDS.spiffeId(1002)))),
                () -> BundleSet.EMPTY, InstantSource.system(), random);
        open.add(ca);
        Agent n1 = agent(ca, "n1", new AuthDemand(Set.of(new AuthDemand.Pair(1001, 1002)), Set.of()));
        Agent n2 = agent(ca, "n2", new AuthDemand(Set.of(new AuthDemand.Pair(1002, 1001)), Set.of()));
        n1.svids().hold(1001);
        n2.svids().hold(1002);

        AuthOutcome o = n1.handshake().authenticate(1001, 1002, n2.address());

        AuthOutcome.Authenticated ok = assertInstanceOf(AuthOutcome.Authenticated.class, o, o.toString());
        assertEquals(Map.of(AuthKey.spiffe(1002, 1001), ok.expiry()), n2.auth().read());

        n2.svids().hold(1001); // n2 does not run 1001: MeshCA refuses to sign it
        AuthOutcome impostor = n2.handshake().authenticate(1001, 1002, n1.address());
        AuthOutcome.Refused r = assertInstanceOf(AuthOutcome.Refused.class, impostor, impostor.toString());
        assertTrue(r.reason().contains("PERMISSION_DENIED"), r.reason());
    }
}
