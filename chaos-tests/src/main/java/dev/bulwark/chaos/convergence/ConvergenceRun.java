package dev.bulwark.chaos.convergence;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.bulwark.chaos.checker.CheckResult;
import dev.bulwark.chaos.checker.CompositeChecker.Verdict;
import dev.bulwark.chaos.checker.Validity;
import dev.bulwark.chaos.client.StoreClient;
import dev.bulwark.chaos.convergence.ConvergenceConfig.Fault;
import dev.bulwark.chaos.generator.FaultKind;
import dev.bulwark.chaos.generator.GeneratorConfig;
import dev.bulwark.chaos.generator.Phase;
import dev.bulwark.chaos.history.History;
import dev.bulwark.chaos.history.HistoryJson;
import dev.bulwark.chaos.history.HistoryRecorder;
import dev.bulwark.chaos.history.Op;
import dev.bulwark.chaos.history.OpType;
import dev.bulwark.chaos.history.OpValue;
import dev.bulwark.chaos.report.HtmlReport;
import dev.bulwark.chaos.workload.RunResult;
import dev.bulwark.policy.compile.EngineConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One convergence run from start to report. Threads: the conductor (this thread: phase markers, faults,
 * heal, the final observations), one changer writing input changes at the rate until quiesce, one
 * kubelet keeping agents' endpoints attached; they share the history recorder (locked) and the current
 * inputs (an atomic reference written by the changer only).
 */
public final class ConvergenceRun {

    private static final int OBSERVER = 10;
    /** How long the stack may take to start and reach the initial state before the timed phases. */
    private static final Duration SETUP_MAX = Duration.ofSeconds(240);

    private ConvergenceRun() {
    }

    public static RunResult run(ConvergenceConfig cfg) throws IOException, InterruptedException {
        Path watch = Files.createDirectories(cfg.runDir().resolve("watch"));
        // A run in an earlier run's directory (a replay of its seed) starts from this run's inputs only: the
        // distributors would read the earlier run's leftover manifests too and never match the expectation.
        try (var leftovers = Files.list(watch)) {
            for (Path old : leftovers.filter(Files::isRegularFile).toList()) {
                Files.delete(old);
            }
        }
        SplittableRandom root = new SplittableRandom(cfg.seed());
        SplittableRandom changes = root.split();
        AtomicReference<ClusterInputs> current = new AtomicReference<>(InputGenerator.initial(cfg.agents(), changes));
        write(watch, Map.of(), current.get().files());
        GeneratorConfig gc = new GeneratorConfig(cfg.time(), cfg.rate(), 1, 0, cfg.faultInterval());
        Path historyFile = cfg.runDir().resolve("history.jsonl");
        Observation last;
        CheckResult time;
        CheckResult versions;
        Map<String, List<VersionChecker.Sample>> samples;
        int changesWritten;
        try (Stack stack = new Stack(cfg.launcher(), cfg.basePort(), cfg.agents(), cfg.runDir(), watch);
             Probes probes = new Probes(stack, Duration.ofSeconds(2));
             StoreClient store = new StoreClient(stack.allocatorAddresses(), Duration.ofSeconds(2))) {
            List<Fault> plan = cfg.plan().isEmpty() ? Timeline.seededPlan(gc, cfg, stack.names(), root.split()) : cfg.plan();
            stack.startAll();
            awaitReady(stack, probes, store, Duration.ofSeconds(300)); // seven JVMs starting on a loaded 2-core machine
            try (HistoryRecorder history = new HistoryRecorder(System::nanoTime, historyFile)) {
                Kubelet kubelet = new Kubelet(stack, probes, history, current::get);
                Thread kubeletThread = Thread.ofPlatform().name("convergence-kubelet").start(kubelet);
                Changer changer = new Changer(history, watch, current, changes, cfg.rate());
                Thread changerThread = null;
                try {
                    // Start from a converged system, so the faults hit replicas and agents that hold real state
                    // (JVM start-up on a loaded machine varies by minutes; the timed phases start after it).
                    history.append(OpType.OK, Op.NEMESIS, Op.PHASE, OpValue.ofDetail("setup"), null);
                    Watch initial = observeUntilValid(history, stack, probes, current.get(),
                            history.elapsedNanos() + SETUP_MAX.toNanos());
                    if (initial.convergedAt() == null) {
                        throw new IllegalStateException("convergence: the agents did not reach the initial state within "
                                + SETUP_MAX.toSeconds() + " s: " + ConvergenceChecker.check(initial.last()).problems());
                    }
                    long offset = history.elapsedNanos();
                    changerThread = Thread.ofPlatform().name("convergence-changer").start(changer);
                    Timeline.conduct(gc, plan, offset, history, stack, changer, changerThread);
                    long quiesceAt = history.history().phaseStart(Phase.QUIESCE.wire());
                    long healAt = history.history().phaseStart(Phase.HEAL.wire());
                    history.append(OpType.OK, Op.NEMESIS, Op.PHASE, OpValue.ofDetail("converge"), null);
                    Watch end = observeUntilValid(history, stack, probes, current.get(), quiesceAt + cfg.settle().toNanos());
                    last = end.last();
                    Long convergedAt = end.convergedAt();
                    // Read every time (one short probe stream per agent), so the diagnosis path runs in every
                    // run and a failing one says for each difference whether the agent or its distributor is wrong.
                    last = last.withHeld(held(stack, probes));
                    int observations = end.observations();
                    if (changer.failure() != null) {
                        throw new IllegalStateException("convergence: could not write the watched directory " + watch + ": "
                                + changer.failure());
                    }
                    time = convergenceTime(convergedAt, quiesceAt, healAt, observations, cfg.settle());
                    changesWritten = changer.written();
                    samples = kubelet.versions().snapshot();
                    versions = VersionChecker.check(samples);
                } finally {
                    changer.stop();
                    kubelet.stop();
                    if (changerThread != null) {
                        changerThread.join(5_000);
                    }
                    kubeletThread.join(10_000);
                    stack.healAll();
                }
            }
        }
        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        json.writeValue(cfg.runDir().resolve("convergence.json").toFile(), last);
        json.writeValue(cfg.runDir().resolve("versions.json").toFile(), samples);
        History h = HistoryJson.read(historyFile);
        long start = System.nanoTime();
        CheckResult result = ConvergenceChecker.check(last);
        long checkMillis = (System.nanoTime() - start) / 1_000_000;
        Verdict verdict = new Verdict(result.validity().and(versions.validity()), List.of(result, versions, time));
        Map<String, String> facts = new LinkedHashMap<>();
        facts.put("workload", "convergence — 3 allocator replicas, 2 distributors (Hazelcast), " + cfg.agents()
                + " model-datapath agents; every agent must reach its distributor's version with the exact map state");
        facts.put("nemesis", cfg.plan().isEmpty() ? (cfg.faults().isEmpty() ? "none" : String.join(",",
                cfg.faults().stream().map(FaultKind::wire).sorted().toList())) : "scripted: " + Timeline.describe(cfg.plan()));
        facts.put("time / rate", cfg.time().toSeconds() + " s / " + cfg.rate() + " input changes/s (" + changesWritten
                + " written)");
        facts.put("seed", Long.toString(cfg.seed()));
        facts.put("final observation", "convergence.json; agent versions sampled during the run: versions.json");
        facts.put("history", historyFile.getFileName() + " (" + h.size() + " lines)");
        Path report = cfg.runDir().resolve("report.html");
        Files.writeString(report, HtmlReport.render("convergence / " + facts.get("nemesis") + " / seed " + cfg.seed(), facts,
                h, verdict));
        return new RunResult(verdict, counts(h, changesWritten), historyFile, report, checkMillis);
    }

    /** The observations until one is VALID or the deadline (history time) passed. */
    private record Watch(Observation last, Long convergedAt, int observations) {
    }

    private static Watch observeUntilValid(HistoryRecorder history, Stack stack, Probes probes, ClusterInputs inputs,
                                           long deadline) throws InterruptedException {
        int observations = 0;
        while (true) {
            history.append(OpType.INVOKE, OBSERVER, "observe", OpValue.NONE, null);
            Observation o = observe(stack, probes, inputs);
            observations++;
            Validity v = ConvergenceChecker.check(o).validity();
            // fail = not (yet) converged; the observation changes nothing either way.
            history.append(v == Validity.VALID ? OpType.OK : OpType.FAIL, OBSERVER, "observe", OpValue.ofDetail(v.name()), null);
            if (v == Validity.VALID) {
                return new Watch(o, history.elapsedNanos(), observations);
            }
            if (history.elapsedNanos() >= deadline) {
                return new Watch(o, null, observations);
            }
            Thread.sleep(500);
        }
    }

    /** One look at every agent and distributor, and the expectation compiled from {@code inputs}. */
    static Observation observe(Stack stack, Probes probes, ClusterInputs inputs) {
        Map<String, Observation.DistributorView> ds = new LinkedHashMap<>();
        for (String d : Stack.DISTRIBUTORS) {
            ds.put(d, probes.distributor(d));
        }
        Map<String, Observation.AgentView> as = new LinkedHashMap<>();
        for (String a : stack.agentNames()) {
            as.put(a, probes.agent(a));
        }
        var ids = probes.lookup(new HashSet<>(ExpectedState.identityLabels(inputs).values()));
        return new Observation(as, ds, ExpectedState.compile(inputs, ids, EngineConfig.DEFAULT));
    }

    /**
     * After the last observation: what each agent's distributor holds for the agent's node, so every
     * difference the checker reports says whether the agent or its distributor is the wrong side.
     */
    private static Map<String, Observation.HeldView> held(Stack stack, Probes probes) {
        Map<String, Observation.HeldView> out = new LinkedHashMap<>();
        for (String a : stack.agentNames()) {
            out.put(a, probes.held(stack.distributorOf(a), stack.nodeOf(a)));
        }
        return out;
    }

    private static CheckResult convergenceTime(Long convergedAt, long quiesceAt, long healAt, int observations,
                                               Duration settle) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("observations", observations);
        if (convergedAt == null) {
            d.put("converged", false);
            return new CheckResult("convergence-time", Validity.VALID, "did not converge within " + settle.toSeconds()
                    + " s of the last input change (informational; see convergence)", List.of(), List.of(), d);
        }
        long afterQuiesce = Math.max(0, (convergedAt - quiesceAt) / 1_000_000);
        long afterHeal = Math.max(0, (convergedAt - healAt) / 1_000_000);
        d.put("converged", true);
        d.put("converge-after-last-change-ms", afterQuiesce);
        d.put("converge-after-heal-ms", afterHeal);
        return new CheckResult("convergence-time", Validity.VALID, String.format(java.util.Locale.ROOT,
                "converged %.1f s after the last input change, %.1f s after heal (informational)", afterQuiesce / 1e3,
                afterHeal / 1e3), List.of(), List.of(), d);
    }

    private static void awaitReady(Stack stack, Probes probes, StoreClient store, Duration max) throws InterruptedException {
        long until = System.nanoTime() + max.toNanos();
        List<String> waiting = List.of();
        Map<String, Integer> restarts = new LinkedHashMap<>();
        while (System.nanoTime() < until) {
            // As a supervisor would: a process that exited while starting (e.g. a distributor whose Hazelcast
            // join ran past its 60 s bound on a starved machine) is started again, at most three times.
            for (String n : stack.names()) {
                if (!stack.daemon(n).alive()) {
                    if (restarts.merge(n, 1, Integer::sum) > 3) {
                        throw new IllegalStateException("convergence: " + n + " exited while starting, 3 restarts did not "
                                + "help:\n" + stack.daemon(n).logTail(20));
                    }
                    System.err.println("convergence: " + n + " exited while starting; starting it again");
                    stack.daemon(n).start();
                }
            }
            List<String> w = new ArrayList<>();
            if (store.findLeader().isEmpty()) {
                w.addAll(Stack.ALLOCATORS);
            }
            for (String d : Stack.DISTRIBUTORS) {
                if (probes.distributor(d).error() != null) {
                    w.add(d);
                }
            }
            for (String a : stack.agentNames()) {
                if (!probes.agentUp(a)) {
                    w.add(a);
                }
            }
            if (w.isEmpty()) {
                return;
            }
            waiting = w;
            Thread.sleep(500);
        }
        StringBuilder logs = new StringBuilder();
        for (String n : waiting) {
            logs.append("\n--- ").append(n).append(" (alive=").append(stack.daemon(n).alive()).append(")\n")
                    .append(stack.daemon(n).logTail(15));
        }
        throw new IllegalStateException("convergence: not ready within " + max.toSeconds() + " s: " + waiting + logs);
    }

    /** Writes what changed between two renderings: new content atomically (write, then rename), deletions. */
    static void write(Path dir, Map<String, String> before, Map<String, String> after) throws IOException {
        for (Map.Entry<String, String> e : after.entrySet()) {
            if (!e.getValue().equals(before.get(e.getKey()))) {
                Path tmp = dir.resolve("." + e.getKey() + ".tmp"); // not *.yaml: the source ignores it
                Files.writeString(tmp, e.getValue());
                Files.move(tmp, dir.resolve(e.getKey()), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            }
        }
        for (String name : before.keySet()) {
            if (!after.containsKey(name)) {
                Files.deleteIfExists(dir.resolve(name));
            }
        }
    }

    private static Map<String, Long> counts(History h, int changes) {
        Map<String, Long> c = h.outcomeCounts();
        c.put("changes", (long) changes);
        return c;
    }
}
