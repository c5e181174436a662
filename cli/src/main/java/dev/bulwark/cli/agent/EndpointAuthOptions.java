package dev.bulwark.cli.agent;

import dev.bulwark.agent.auth.EndpointAuthConfig;
import dev.bulwark.agent.auth.TrustDomains;
import dev.bulwark.mesh.spiffe.TrustDomain;
import dev.bulwark.model.IdentityLayout;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import picocli.CommandLine.Option;

/**
 * Endpoint-to-endpoint authentication of {@code agent start}: where this agent answers handshakes, where
 * the other agents answer, and which trust domain vouches for the identities of federated clusters.
 */
final class EndpointAuthOptions {

    @Option(names = "--endpoint-auth", paramLabel = "HOST:PORT", description = {
            "Authenticate endpoint pairs whose policy says authentication.mode: required: answer TLS 1.3",
            "handshakes here (Cilium uses port 4250) and pre-authenticate before the first packet. Needs",
            "--mesh-ca (the SVIDs of this node's identities come from MeshCA)."})
    String listen;

    @Option(names = "--auth-peer", paramLabel = "NODE=HOST:PORT",
            description = "Where NODE's agent answers handshakes (repeatable); other nodes are dialled by name on --auth-peer-port.")
    List<String> peers = List.of();

    @Option(names = "--auth-peer-port", defaultValue = "4250", description = "Handshake port of agents not named by --auth-peer. Default: ${DEFAULT-VALUE}.")
    int peerPort;

    @Option(names = "--federate", paramLabel = "CLUSTER_ID=TD", description = {
            "Identities of cluster CLUSTER_ID (ClusterMesh numbering) are vouched for by trust domain TD (repeatable);",
            "its bundle must reach this agent through MeshCA's federation."})
    List<String> federated = List.of();

    boolean enabled() {
        return listen != null;
    }

    /** The validated settings; bad values throw naming the option. */
    EndpointAuthConfig config(TrustDomain local) {
        String[] hp = AgentCommand.hostPort(listen, "--endpoint-auth");
        Map<String, InetSocketAddress> named = new TreeMap<>();
        for (String p : peers) {
            int eq = p.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("--auth-peer: expected NODE=HOST:PORT, got \"" + p + "\"");
            }
            String[] at = AgentCommand.hostPort(p.substring(eq + 1), "--auth-peer " + p.substring(0, eq));
            named.put(p.substring(0, eq), InetSocketAddress.createUnresolved(at[0], Integer.parseInt(at[1])));
        }
        Map<Integer, TrustDomain> clusters = new TreeMap<>();
        for (String f : federated) {
            int eq = f.indexOf('=');
            try {
                clusters.put(Integer.parseInt(f.substring(0, Math.max(eq, 0))), TrustDomain.parse(f.substring(eq + 1)));
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("--federate: expected CLUSTER_ID=TRUST_DOMAIN, got \"" + f + "\""
                        + (e.getMessage() == null ? "" : " (" + e.getMessage() + ")"), e);
            }
        }
        TrustDomains tds;
        try {
            tds = new TrustDomains(local, IdentityLayout.DEFAULT, clusters);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--federate: " + e.getMessage(), e);
        }
        try {
            return new EndpointAuthConfig(new InetSocketAddress(hp[0], Integer.parseInt(hp[1])), tds, peerPort, named,
                    Duration.ofSeconds(5), Duration.ofMinutes(5), Duration.ofSeconds(30));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--endpoint-auth: " + e.getMessage(), e);
        }
    }
}
