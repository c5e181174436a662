package dev.bulwark.chaos.workload;

import dev.bulwark.chaos.checker.CompositeChecker;
import dev.bulwark.chaos.checker.CompositeChecker.Verdict;
import dev.bulwark.chaos.client.StoreClient;
import dev.bulwark.chaos.client.Watcher;
import dev.bulwark.chaos.db.Cluster;
import dev.bulwark.chaos.generator.FaultKind;
import dev.bulwark.chaos.generator.FaultPlan;
import dev.bulwark.chaos.generator.FaultWindow;
import dev.bulwark.chaos.generator.GeneratorConfig;
import dev.bulwark.chaos.generator.OpGenerator;
import dev.bulwark.chaos.generator.Phase;
import dev.bulwark.chaos.history.History;
import dev.bulwark.chaos.history.HistoryRecorder;
import dev.bulwark.chaos.history.Op;
import dev.bulwark.chaos.history.Operation;
import dev.bulwark.chaos.nemesis.Membership;
import dev.bulwark.chaos.nemesis.Nemesis;
import dev.bulwark.chaos.report.HtmlReport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.Function;

/**
 * One chaos run from start to report: network and replicas up, a leader elected, then workers, watcher,
 * keep-alive and the conductor (phase markers, faults, heal) run against one monotonic clock; afterwards
 * everything is torn down (also on failure), the history is checked and the report written.
 *
 * <p>Threads: one per worker process, one conductor, one watcher, one keep-alive; they share only the
 * history recorder (locked) and the generator (handed out under {@link Workers}' lock).
 */
public final class ChaosRun {

    private ChaosRun() {
    }

    /**
     * @param membership given the replicas' gRPC addresses (node to host:port), the membership changes
     *                   used by wipe-and-rejoin; null when the store offers none (wipe is then skipped)
     */
    public static RunResult run(RunConfig cfg, Function<Map<String, String>, Membership> membership)
            throws IOException, InterruptedException {
        Files.createDirectories(cfg.runDir());
        long seconds = Math.max(1, cfg.time().toSeconds());
        GeneratorConfig gc = new GeneratorConfig(cfg.time(), cfg.rate(), cfg.workload().keys(cfg.rate(), seconds),
                cfg.workload().allocateShare(), cfg.faultInterval());
        SplittableRandom root = new SplittableRandom(cfg.seed());
        OpGenerator generator = new OpGenerator(gc, root.split());
        Set<FaultKind> kinds = EnumSet.noneOf(FaultKind.class);
        kinds.addAll(cfg.faults());
        if (membership == null) {
            kinds.remove(FaultKind.WIPE); // Planned only when it can be healed.
        }
        List<FaultWindow> plan = FaultPlan.plan(gc, kinds, cfg.targets(), root.split());
        Path historyFile = cfg.runDir().resolve("history.jsonl");
        List<String> nodes = new ArrayList<>();
        for (int i = 1; i <= cfg.replicas(); i++) {
            nodes.add("n" + i);
        }
        try (Cluster cluster = new Cluster(runTag(), freeOctet(), nodes, cfg.runDir(), cfg.command());
             StoreClient client = new StoreClient(grpcAddresses(cluster, cfg.port()), cfg.opTimeout())) {
            cluster.startAll();
            awaitLeader(client, cluster);
            // The history's clock starts once the cluster is up, so warm-up is not spent on start-up.
            try (HistoryRecorder history = new HistoryRecorder(System::nanoTime, historyFile)) {
                Nemesis nemesis = new Nemesis(cluster, history, client::findLeader, client::serves,
                        membership == null ? null : membership.apply(grpcAddresses(cluster, cfg.port())));
                execute(cfg, gc, generator, plan, history, client, nemesis);
            }
        }
        History h = dev.bulwark.chaos.history.HistoryJson.read(historyFile);
        long start = System.nanoTime();
        Verdict verdict = CompositeChecker.identityStore().check(h);
        long checkMillis = (System.nanoTime() - start) / 1_000_000;
        Path report = cfg.runDir().resolve("report.html");
        Map<String, String> facts = new LinkedHashMap<>();
        facts.put("workload", cfg.workload().name() + " — " + cfg.workload().description());
        facts.put("nemesis", cfg.faults().isEmpty() ? "none" : String.join(",", cfg.faults().stream()
                .map(FaultKind::wire).sorted().toList()));
        facts.put("time / rate / processes", cfg.time().toSeconds() + " s / " + cfg.rate() + " ops/s / " + cfg.processes());
        facts.put("seed", Long.toString(cfg.seed()));
        facts.put("replicas", Integer.toString(cfg.replicas()));
        facts.put("history", historyFile.getFileName() + " (" + h.size() + " lines), checked in " + checkMillis + " ms");
        Files.writeString(report, HtmlReport.render(cfg.workload().name() + " / " + facts.get("nemesis") + " / seed "
                + cfg.seed(), facts, h, verdict));
        return new RunResult(verdict, counts(h), historyFile, report, checkMillis);
    }

    private static void execute(RunConfig cfg, GeneratorConfig gc, OpGenerator generator, List<FaultWindow> plan,
                                HistoryRecorder history, StoreClient client, Nemesis nemesis)
            throws InterruptedException {
        Workers workers = new Workers(cfg.processes(), gc.phaseStartNanos(Phase.QUIESCE), generator, history, client);
        Watcher watcher = cfg.workload().watch() ? new Watcher(client, history, 100_000) : null;
        Thread watchThread = watcher == null ? null : Thread.ofPlatform().name("chaos-watcher").start(watcher);
        Thread keepAlive = Thread.ofPlatform().daemon().name("chaos-keepalive").start(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                client.keepAlive();
                try {
                    Thread.sleep(1_000);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        try {
            workers.start();
            Conductor.conduct(gc, plan, history, nemesis, workers);
            workers.join(gc.keys() * 1_000L / gc.ratePerSecond() + cfg.opTimeout().toMillis() * 4 + 30_000);
            if (watcher != null) {
                awaitWatcher(watcher, history.history(), 10_000);
            }
        } finally {
            workers.stop();
            keepAlive.interrupt();
            if (watcher != null) {
                watcher.stop();
                watchThread.join(5_000);
            }
            nemesis.healAll();
        }
    }

    private static void awaitWatcher(Watcher watcher, History h, long maxMillis) throws InterruptedException {
        long target = h.operations().stream().filter(o -> o.isOk() && o.f().equals(Op.ALLOCATE) && o.revision() != null)
                .mapToLong(Operation::revision).max().orElse(0);
        long until = System.currentTimeMillis() + maxMillis;
        while (watcher.revision() < target && System.currentTimeMillis() < until) {
            Thread.sleep(50);
        }
    }

    private static void awaitLeader(StoreClient client, Cluster cluster) throws InterruptedException {
        long until = System.nanoTime() + 90_000_000_000L;
        while (System.nanoTime() < until) {
            if (client.findLeader().isPresent()) {
                return;
            }
            Thread.sleep(250);
        }
        StringBuilder logs = new StringBuilder();
        for (String n : cluster.nodes()) {
            logs.append("\n--- ").append(n).append(" (alive=").append(cluster.replica(n).alive()).append(")\n")
                    .append(cluster.replica(n).logTail(15));
        }
        throw new IllegalStateException("no leader elected within 90 s; replica logs:" + logs);
    }

    private static Map<String, String> grpcAddresses(Cluster cluster, int port) {
        Map<String, String> out = new LinkedHashMap<>();
        cluster.addresses().forEach((n, ip) -> out.put(n, ip + ":" + port));
        return out;
    }

    static Map<String, Long> counts(History h) {
        Map<String, Long> c = h.outcomeCounts();
        c.put("watch-events", (long) h.events(Op.WATCH_EVENT).size());
        return c;
    }

    private static String runTag() {
        return Long.toString(Math.floorMod(ProcessHandle.current().pid() * 31 + System.nanoTime(), 1_679_616L), 36);
    }

    /** A third octet of 10.77.x.0/24 not used by any interface on this machine. */
    private static int freeOctet() {
        String used = dev.bulwark.chaos.db.HostCommand.run("ip", "-o", "-4", "addr");
        int start = (int) (ProcessHandle.current().pid() % 200);
        for (int i = 0; i < 230; i++) {
            int octet = 20 + (start + i) % 230;
            if (!used.contains("10.77." + octet + ".")) {
                return octet;
            }
        }
        throw new IllegalStateException("no free 10.77.x.0/24 range on this machine");
    }
}
