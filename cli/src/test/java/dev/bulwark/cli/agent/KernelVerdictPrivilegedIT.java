package dev.bulwark.cli.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bulwark.agent.scenario.KernelScenarioRunner;
import dev.bulwark.cli.Bulwark;
import dev.bulwark.cli.ExitCode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * {@code bulwark policy verdict --datapath kernel} on every public scenario: real packets through the
 * eBPF programs give the expected verdict for every probe (and so the model's, which the engine's own
 * tests hold to the same expectations).
 */
@org.junit.jupiter.api.Timeout(value = 180, unit = java.util.concurrent.TimeUnit.SECONDS) // never hang CI
class KernelVerdictPrivilegedIT {

    private static final Path PUBLIC = Path.of("../policy-distributor/engine/src/test/resources/scenarios/public");

    @Test
    void everyPublicScenarioPassesInKernelMode() throws Exception {
        Optional<String> why = KernelScenarioRunner.unavailable();
        why.ifPresent(r -> System.out.println("SKIPPED privileged test: " + r));
        Assumptions.assumeTrue(why.isEmpty(), () -> "kernel datapath unavailable: " + why.orElse(""));
        List<String> args = new ArrayList<>(List.of("policy", "verdict", "--datapath", "kernel", "--output", "json"));
        try (Stream<Path> files = Files.list(PUBLIC)) {
            files.filter(p -> p.toString().endsWith(".yaml")).sorted().forEach(p -> args.add(p.toString()));
        }
        assertTrue(args.size() > 6, "public scenarios found under " + PUBLIC.toAbsolutePath());
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Bulwark.run(new PrintWriter(out, true), new PrintWriter(err, true), args.toArray(String[]::new));
        assertEquals(ExitCode.OK, code, err.toString());
        long probes = out.toString().lines().filter(l -> l.startsWith("{")).count();
        assertTrue(probes > 1000, "every probe reported: " + probes);
        assertTrue(out.toString().lines().filter(l -> l.startsWith("{"))
                .allMatch(l -> l.contains("\"verdict\":\"allow\"") == l.contains("\"expect\":\"allow\"")), out.toString());
    }
}
