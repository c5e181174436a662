package dev.bulwark.policy.compile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bulwark.model.policy.PolicyEntry;
import dev.bulwark.model.policy.PolicyKey;
import dev.bulwark.policy.scenario.CompiledScenario;
import dev.bulwark.policy.scenario.Scenario;
import dev.bulwark.policy.scenario.ScenarioCompiler;
import dev.bulwark.policy.scenario.ScenarioReader;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Golden files: each scenario's cluster and policies → every endpoint's map state (with the rule behind
 * each entry) and the ipcache, as readable text under src/test/resources/golden/. A behaviour change
 * shows up as a diff of these files. Rewrite them with {@code -Dgolden.rewrite=true}.
 */
class GoldenMapStateTest {

    private static final boolean REWRITE = Boolean.getBoolean("golden.rewrite");

    @TestFactory
    Stream<DynamicTest> mapStatesMatchGoldenFiles() throws IOException, URISyntaxException {
        Path scenarios = Path.of(GoldenMapStateTest.class.getResource("/scenarios").toURI());
        Path golden = Path.of("src/test/resources/golden");
        List<Path> files;
        try (Stream<Path> walk = Files.walk(scenarios)) {
            files = walk.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
        }
        return files.stream().map(f -> DynamicTest.dynamicTest(f.getFileName().toString(), () -> {
            Scenario s = ScenarioReader.read(f.getFileName().toString(), Files.readString(f));
            String actual = render(new ScenarioCompiler(EngineConfig.DEFAULT).compile(s));
            Path expectedFile = golden.resolve(f.getParent().getFileName() + "-" + f.getFileName().toString().replace(".yaml", ".txt"));
            if (REWRITE) {
                Files.createDirectories(golden);
                Files.writeString(expectedFile, actual);
                return;
            }
            assertTrue(Files.exists(expectedFile), expectedFile + " is missing; run with -Dgolden.rewrite=true");
            assertEquals(Files.readString(expectedFile), actual, "golden " + expectedFile + " (rewrite with -Dgolden.rewrite=true)");
        }));
    }

    static String render(CompiledScenario c) {
        StringBuilder sb = new StringBuilder();
        sb.append("# ").append(c.scenario().name()).append('\n');
        sb.append("\n## identities\n");
        c.endpoints().values().stream().map(EndpointPolicy::identity).distinct().sorted().forEach(id -> {
            String ep = c.endpoints().values().stream().filter(e -> e.identity().equals(id)).map(EndpointPolicy::endpoint)
                    .findFirst().orElseThrow();
            sb.append(id).append("  ").append(ep).append('\n');
        });
        for (EndpointPolicy ep : c.endpoints().values()) {
            sb.append("\n## endpoint ").append(ep.endpoint()).append(" identity ").append(ep.identity())
                    .append(" (").append(ep.installed().size()).append(" entries)\n");
            if (!ep.ingressIsolatedBy().isEmpty()) {
                sb.append("ingress isolated by: ").append(String.join("; ", ep.ingressIsolatedBy())).append('\n');
            }
            if (!ep.egressIsolatedBy().isEmpty()) {
                sb.append("egress isolated by: ").append(String.join("; ", ep.egressIsolatedBy())).append('\n');
            }
            for (Map.Entry<PolicyKey, PolicyEntry> e : ep.installed().entries().entrySet()) {
                sb.append(String.format("%-32s %-18s %s%n", e.getKey(), e.getValue(), e.getValue().ruleRef()));
            }
        }
        sb.append("\n## ipcache\n");
        c.ipcache().prefixes().forEach((cidr, id) -> sb.append(cidr).append(" -> ").append(Integer.toUnsignedString(id)).append('\n'));
        return sb.toString();
    }
}
