package dev.bulwark.policy.bench;

import dev.bulwark.policy.compile.EndpointCompiler;
import dev.bulwark.policy.compile.EngineConfig;
import dev.bulwark.policy.compile.NamedPort;
import dev.bulwark.policy.compile.PolicyEngine;
import dev.bulwark.policy.identity.SequentialIdentities;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * JMH: resolving one identity's map state against many unrelated rules, through the subject index and
 * by the full scan Cilium's resolve does (the baseline, same run). Run:
 * {@code ./mvnw -pl policy-distributor/engine test-compile exec:java -Dexec.classpathScope=test
 * -Dexec.mainClass=org.openjdk.jmh.Main -Dexec.args=ResolveBenchmark}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ResolveBenchmark {

    @Param({"20000"})
    int unrelatedRules;

    private PolicyEngine engine;
    private int identity;
    private List<NamedPort> ports;

    @Setup
    public void setUp() {
        BenchWorkload workload = new BenchWorkload(20, 50, 20);
        engine = new PolicyEngine(EngineConfig.DEFAULT, new SequentialIdentities());
        for (int n = 0; n < workload.namespaces(); n++) {
            engine.upsertNamespace(BenchWorkload.namespace(n), workload.namespaceLabels(n));
        }
        workload.pods().forEach(engine::upsertPod);
        engine.apply(workload.policies(), List.of());
        engine.apply(workload.unrelated(unrelatedRules), List.of());
        identity = engine.policyOf(BenchWorkload.namespace(0) + "/app7").identity().value();
        ports = workload.pod(0, 7, "", "backend").ports();
    }

    @Benchmark
    public EndpointCompiler.Compiled resolveIndexed() {
        return engine.resolve(identity, ports);
    }

    @Benchmark
    public EndpointCompiler.Compiled resolveFullScan() {
        return engine.resolveByScan(identity, ports);
    }
}
