package dev.bulwark.policy.scenario;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bulwark.policy.compile.EngineConfig;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every scenario under src/test/resources/scenarios (the public ones copied from shared/scenarios under
 * public/, ours beside them) must get exactly its expected verdicts from the model datapath.
 */
class ScenarioVerdictTest {

    static List<Path> scenarioFiles() throws IOException, URISyntaxException {
        Path root = Path.of(ScenarioVerdictTest.class.getResource("/scenarios").toURI());
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
        }
    }

    @TestFactory
    Stream<DynamicTest> everyScenarioGetsItsExpectedVerdicts() throws IOException, URISyntaxException {
        List<Path> files = scenarioFiles();
        assertTrue(files.size() >= 6, "scenario files found: " + files.size());
        return files.stream().map(f -> DynamicTest.dynamicTest(f.getParent().getFileName() + "/" + f.getFileName(), () -> {
            Scenario s = ScenarioReader.read(f.toString(), Files.readString(f));
            assertFalse(s.probes().isEmpty(), "scenario without probes");
            CompiledScenario compiled = new ScenarioCompiler(EngineConfig.DEFAULT).compile(s);
            StringBuilder mismatches = new StringBuilder();
            for (ProbeResult r : new ModelDatapath().evaluate(compiled)) {
                if (!r.matches()) {
                    mismatches.append("\n  ").append(r.probe()).append(" got ").append(r.verdict().text());
                }
            }
            assertTrue(mismatches.isEmpty(), s.name() + ":" + mismatches);
        }));
    }
}
