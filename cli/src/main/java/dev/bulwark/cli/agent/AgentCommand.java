package dev.bulwark.cli.agent;

import dev.bulwark.agent.auth.EndpointAuthConfig;
import dev.bulwark.agent.server.NodeAgent;
import dev.bulwark.agent.server.NodeAgentConfig;
import dev.bulwark.cli.ExitCode;
import dev.bulwark.cli.OutputOptions;
import dev.bulwark.mesh.node.NodeCredentials;
import dev.bulwark.mesh.spiffe.TrustDomain;
import dev.bulwark.model.NumericIdentity;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code bulwark agent}: run the node agent, or watch its flow events. */
@Command(name = "agent", mixinStandardHelpOptions = true, description = "The node agent: eBPF enforcement programmed from the distributor stream.",
        subcommands = {AgentCommand.Start.class, AgentCommand.Flows.class})
public final class AgentCommand {

    @Command(name = "start", mixinStandardHelpOptions = true, description = {
            "Run the node agent until Ctrl-C: kernel datapath when bpf() works (else the model datapath, loudly),",
            "follow the distributor stream, serve the local API (endpoints, status, /metrics, flows).",
            "Attached endpoints are recorded in --state-dir and attached again when the agent restarts."})
    static final class Start implements Callable<Integer> {

        @Mixin
        OutputOptions output;

        @Option(names = "--node", required = true, description = "Kubernetes node name this agent enforces for.")
        String node;

        @Option(names = "--distributor", defaultValue = "127.0.0.1:7443", description = "HOST:PORT of a policy-distributor. Default: ${DEFAULT-VALUE}.")
        String distributor;

        @Option(names = "--api", defaultValue = "127.0.0.1:9890", description = "HOST:PORT of the local API. Default: ${DEFAULT-VALUE}.")
        String api;

        @Option(names = "--pin-root", defaultValue = "/sys/fs/bpf/bulwark", description = "bpffs directory for pinned maps and links. Default: ${DEFAULT-VALUE}.")
        Path pinRoot;

        @Option(names = "--state-dir", description = {
                "Directory of the endpoint registry (endpoints.json), written on every endpoint add and remove and",
                "restored on start: endpoints whose netns or interface is gone are dropped (pins removed).",
                "Default: /var/run/bulwark/agent for the default --pin-root, /var/run/bulwark/agent-NAME for",
                "--pin-root /sys/fs/bpf/NAME, PIN_ROOT.state beside any other pin root. Empty (--state-dir=)",
                "keeps endpoints in memory only."})
        String stateDir;

        @Option(names = "--identity", description = "HOST:PORT of an identity allocator: endpoints added with labels get their identity from it.")
        String identity;

        @Option(names = "--datapath", defaultValue = "auto", description = "auto, kernel (fail without bpf()) or model. Default: ${DEFAULT-VALUE}.")
        NodeAgentConfig.Mode mode;

        @Mixin
        AgentTlsOptions tls;

        @Mixin
        EndpointAuthOptions endpointAuth;

        @Override
        public Integer call() throws Exception {
            NodeAgentConfig config;
            try {
                String[] d = hostPort(distributor, "--distributor");
                String[] a = hostPort(api, "--api");
                Path state = stateDir == null ? NodeAgentConfig.defaultStateDir(pinRoot) : stateDir.isEmpty() ? null : Path.of(stateDir);
                config = new NodeAgentConfig(node, d[0], Integer.parseInt(d[1]), a[0], Integer.parseInt(a[1]), pinRoot, mode,
                        Duration.ofMillis(200), Duration.ofSeconds(10), identity, state);
            } catch (IllegalArgumentException e) {
                output.error(e.getMessage());
                return ExitCode.PROBLEM;
            }
            EndpointAuthConfig authConfig = null;
            if (endpointAuth.enabled()) {
                if (tls.meshCa == null || tls.trustDomain == null) {
                    output.error("--endpoint-auth: needs --mesh-ca and --trust-domain (identity SVIDs come from MeshCA)");
                    return ExitCode.USAGE;
                }
                try {
                    authConfig = endpointAuth.config(TrustDomain.parse(tls.trustDomain));
                } catch (IllegalArgumentException e) {
                    output.error(e.getMessage());
                    return ExitCode.USAGE;
                }
            }
            CountDownLatch stop = new CountDownLatch(1);
            AgentTlsOptions.ControlPlane controlPlane;
            try {
                controlPlane = tls.connect(node, output.err());
            } catch (IllegalArgumentException e) {
                output.error(e.getMessage());
                return ExitCode.USAGE;
            } catch (io.grpc.StatusRuntimeException e) {
                output.error("node attestation at --mesh-ca " + tls.meshCa + " failed: " + e.getStatus().getCode() + ": "
                        + e.getStatus().getDescription());
                return ExitCode.UNAVAILABLE;
            }
            NodeAgent agent;
            try {
                agent = new NodeAgent(config, output.err(), controlPlane.credentials());
            } catch (IllegalStateException e) {
                controlPlane.close();
                output.error(e.getMessage());
                return ExitCode.UNAVAILABLE;
            }
            if (authConfig != null) {
                NodeCredentials node = controlPlane.node();
                TrustDomain td = authConfig.trustDomains().local();
                agent.enableEndpointAuth(authConfig,
                        id -> node.meshCa().signIdentity(td, NumericIdentity.of(id), Duration.ZERO), node);
            }
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                agent.close();
                controlPlane.close();
                stop.countDown();
            }, "agent-shutdown"));
            agent.start();
            stop.await();
            return ExitCode.OK;
        }
    }

    @Command(name = "flows", mixinStandardHelpOptions = true, description = "Print the agent's flow events (Hubble-like lines) as they happen, until Ctrl-C.")
    static final class Flows implements Callable<Integer> {

        @Mixin
        OutputOptions output;

        @Option(names = "--api", defaultValue = "127.0.0.1:9890", description = "HOST:PORT of the agent's local API. Default: ${DEFAULT-VALUE}.")
        String api;

        @Option(names = "--count", defaultValue = "0", description = "Stop after this many flows (0 = follow). Default: ${DEFAULT-VALUE}.")
        int count;

        @Override
        public Integer call() throws Exception {
            String[] a;
            try {
                a = hostPort(api, "--api");
            } catch (IllegalArgumentException e) {
                output.error(e.getMessage());
                return ExitCode.USAGE;
            }
            HttpClient http = HttpClient.newHttpClient();
            HttpResponse<InputStream> r;
            try {
                r = http.send(HttpRequest.newBuilder(URI.create("http://" + a[0] + ":" + a[1] + "/v1/flows" + (output.json() ? "?format=json" : ""))).build(),
                        HttpResponse.BodyHandlers.ofInputStream());
            } catch (IOException e) {
                output.error("agent API at " + api + " unreachable: " + e.getMessage());
                return ExitCode.UNAVAILABLE;
            }
            int seen = 0;
            try (BufferedReader in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) {
                    output.out().println(line); // text lines, or one JSON object per line with -o json
                    output.out().flush();
                    if (line.startsWith("#")) {
                        continue;
                    }
                    if (count > 0 && ++seen >= count) {
                        break;
                    }
                }
            }
            return ExitCode.OK;
        }
    }

    static String[] hostPort(String value, String option) {
        int i = value.lastIndexOf(':');
        if (i <= 0 || i == value.length() - 1) {
            throw new IllegalArgumentException(option + ": expected HOST:PORT, got \"" + value + "\"");
        }
        try {
            int port = Integer.parseInt(value.substring(i + 1));
            if (port < 0 || port > 65_535) {
                throw new NumberFormatException();
            }
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + ": port must be 0..65535 in \"" + value + "\"");
        }
        return new String[] {value.substring(0, i), value.substring(i + 1)};
    }
}
