package dev.bulwark.cli.distributor;

import dev.bulwark.agent.server.NodeAgentConfig;
import dev.bulwark.cli.ExitCode;
import dev.bulwark.cli.Json;
import dev.bulwark.cli.OutputOptions;
import dev.bulwark.cli.Table;
import dev.bulwark.model.policy.Direction;
import dev.bulwark.model.policy.PolicyLookup;
import dev.bulwark.policy.distribution.agentsim.AgentBehaviour;
import dev.bulwark.policy.distribution.agentsim.AgentEvents;
import dev.bulwark.policy.distribution.agentsim.SimulatedAgent;
import dev.bulwark.policy.distribution.server.DistributorConfig;
import dev.bulwark.policy.distribution.state.EndpointState;
import dev.bulwark.policy.distribution.state.NodeView;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code bulwark demo}: a short scripted story on top of {@code bulwark up}. The shop example's manifests
 * are written one by one into a watched folder; after each step the demo shows the identities, the
 * compiled map state of the database and the verdicts, all read from the state an agent received over
 * the stream (a second, in-process stream client next to the real local agent).
 */
@Command(name = "demo", description = {
        "A scripted story on `bulwark up`: apply and remove the shop example's policies one by one and show",
        "identities, compiled state and verdicts changing (read from the state streamed to the agent)."})
public final class DemoCommand implements Callable<Integer> {

    private record Probe(String from, String to, int port) {
    }

    private record Step(String title, String addFile, String removeFile) {
    }

    private static final List<Probe> PROBES = List.of(new Probe("frontend", "backend", 8080),
            new Probe("backend", "db", 5432), new Probe("frontend", "db", 5432), new Probe("db", "frontend", 80));

    private static final String ALLOW_FRONTEND_DB = """
            # Demo only: an allow that the deny in 40-deny-frontend-to-db.yaml will override.
            apiVersion: cilium.io/v2
            kind: CiliumNetworkPolicy
            metadata: {name: db-from-frontend, namespace: shop}
            spec:
              endpointSelector: {matchLabels: {app: db}}
              ingress: [{fromEndpoints: [{matchLabels: {app: frontend}}], toPorts: [{ports: [{port: "5432", protocol: TCP}]}]}]
            """;

    @Mixin
    OutputOptions output;

    @Option(names = "--examples", defaultValue = "examples", description = "the shop example folder (default ${DEFAULT-VALUE})")
    Path examples;

    @Option(names = "--data", defaultValue = ".bulwark/demo", description = "identity store data directory (default ${DEFAULT-VALUE})")
    Path data;

    @Option(names = "--datapath", defaultValue = "auto", description = "the local agent's datapath: auto, kernel or model (default ${DEFAULT-VALUE})")
    NodeAgentConfig.Mode datapath;

    @Override
    public Integer call() throws Exception {
        if (!Files.isRegularFile(examples.resolve("00-shop.yaml"))) {
            output.error("--examples: " + examples + "/00-shop.yaml not found (run from the repository root)");
            return ExitCode.USAGE;
        }
        Path watched = Files.createTempDirectory("bulwark-demo");
        PrintWriter agentLog = output.json() ? new PrintWriter(new StringWriter()) : output.err();
        try (LocalStack stack = LocalStack.start(new LocalStack.Settings(data, new DistributorConfig.Directory(watched),
                "bulwark-dev", datapath, 7460, 7444, 9891), agentLog)) {
            ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", stack.distributor().grpcPort())
                    .usePlaintext().build();
            try {
                SimulatedAgent observer = new SimulatedAgent("bulwark-dev", "demo-observer", channel, AgentBehaviour.HEALTHY,
                        AgentEvents.NONE);
                observer.connect();
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (observer.version() == 0 && System.nanoTime() < deadline) {
                    Thread.sleep(5); // the first (empty) state, before the story starts
                }
                run(watched, observer);
                observer.disconnect();
            } finally {
                channel.shutdownNow();
            }
        } finally {
            try (var files = Files.list(watched)) {
                for (Path f : files.toList()) {
                    Files.delete(f);
                }
            }
            Files.delete(watched);
        }
        return ExitCode.OK;
    }

    private void run(Path watched, SimulatedAgent observer) throws Exception {
        Files.writeString(watched.resolve("demo-allow-frontend-db.yaml.off"), ALLOW_FRONTEND_DB);
        List<Step> steps = List.of(
                new Step("The shop app, no policy: everything is allowed", "00-shop.yaml", null),
                new Step("Default deny in namespace shop", "10-default-deny.yaml", null),
                new Step("NetworkPolicy: frontend -> backend on the named port 'api'", "20-frontend-to-backend.yaml", null),
                new Step("CiliumNetworkPolicy L3/L4: backend -> db on 5432/TCP", "30-backend-to-db.yaml", null),
                new Step("An allow for frontend -> db (demo only)", "demo-allow-frontend-db.yaml", null),
                new Step("CiliumNetworkPolicy deny: frontend -> db (deny wins over the allow)", "40-deny-frontend-to-db.yaml", null),
                new Step("Remove the deny", null, "40-deny-frontend-to-db.yaml"),
                new Step("Remove default deny: unselected pods are open again", null, "10-default-deny.yaml"));
        int n = 0;
        for (Step step : steps) {
            n++;
            long before = observer.version();
            long start = System.nanoTime();
            if (step.addFile() != null) {
                Path src = step.addFile().startsWith("demo-") ? watched.resolve(step.addFile() + ".off") : examples.resolve(step.addFile());
                Files.copy(src, watched.resolve(step.addFile()));
            } else {
                Files.delete(watched.resolve(step.removeFile()));
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
            while (observer.version() == before && System.nanoTime() < deadline) {
                Thread.sleep(2);
            }
            double ms = (System.nanoTime() - start) / 1e6;
            Thread.sleep(150); // let a possible second batch of the same edit arrive before showing the state
            show(n, step, observer.view(), observer.version(), ms);
        }
    }

    private void show(int n, Step step, NodeView view, long version, double ms) {
        Map<String, Integer> ids = new LinkedHashMap<>();
        for (String name : List.of("frontend", "backend", "db")) {
            EndpointState e = view.endpoints().get("shop/" + name);
            ids.put(name, e == null ? 0 : e.identity());
        }
        Map<String, String> verdicts = new LinkedHashMap<>();
        for (Probe p : PROBES) {
            EndpointState to = view.endpoints().get("shop/" + p.to());
            boolean allowed = to != null && PolicyLookup.decide(to.mapState(), ids.get(p.from()), Direction.INGRESS, 6, p.port()).allowed();
            verdicts.put(p.from() + " -> " + p.to() + ":" + p.port() + "/TCP", allowed ? "ALLOW" : "DENY");
        }
        EndpointState db = view.endpoints().get("shop/db");
        if (output.json()) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("step", n);
            doc.put("title", step.title());
            doc.put("version", version);
            doc.put("file_to_agent_ms", ms);
            doc.put("identities", ids);
            doc.put("verdicts", verdicts);
            doc.put("db_map_entries", db == null ? 0 : db.mapState().size());
            Json.print(output.out(), doc);
            return;
        }
        PrintWriter out = output.out();
        out.printf("%n== %d. %s%n", n, step.title());
        out.printf("   %s %s; the agent held version %d %.0f ms after the file changed%n",
                step.addFile() != null ? "added" : "removed", step.addFile() != null ? step.addFile() : step.removeFile(), version, ms);
        if (n == 1) {
            Table t = new Table("POD", "IDENTITY");
            ids.forEach(t::row);
            t.print(out);
        }
        Table v = new Table("FLOW", "VERDICT");
        verdicts.forEach(v::row);
        v.print(out);
        if (db != null) {
            out.println("   map state of shop/db (" + db.mapState().size() + " entries):");
            db.mapState().entries().forEach((k, e) -> out.println("     " + k + " -> " + e
                    + (e.ruleRef().isEmpty() ? "" : "   (" + e.ruleRef() + ")")));
        }
        out.flush();
    }
}
