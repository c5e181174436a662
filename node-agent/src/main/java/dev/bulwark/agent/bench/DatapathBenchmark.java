package dev.bulwark.agent.bench;

import dev.bulwark.agent.datapath.bpf.BpfMap;
import dev.bulwark.agent.datapath.bpf.BpfPolicyMap;
import dev.bulwark.agent.datapath.bpf.KernelDatapath;
import dev.bulwark.agent.datapath.bpf.Layouts;
import dev.bulwark.agent.datapath.bpf.MapInfo;
import dev.bulwark.agent.datapath.bpf.Pins;
import dev.bulwark.agent.netns.HostCommand;
import dev.bulwark.agent.policy.MapDiff;
import dev.bulwark.model.policy.Direction;
import dev.bulwark.model.policy.MapState;
import dev.bulwark.model.policy.PolicyEntry;
import dev.bulwark.model.policy.PolicyKey;
import dev.bulwark.model.policy.Protocols;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * {@code bulwark bench datapath}: in one run, (1) policy-map updates per second from Java (single and
 * batch) against a small C/libbpf loop doing the same on the same map type, (2) the latency of applying a
 * 1k-operation delta, (3) iperf3 throughput over a veth pair with no program, with our programs holding
 * 200k policy + 60k ipcache entries, and with iptables holding 10k rules. Needs root, clang-built object,
 * cc + libbpf-dev (for the C baseline) and iperf3. Everything it creates is removed at the end.
 */
public final class DatapathBenchmark {

    /** The figures of one run; rates in operations per second, throughput in bits per second. */
    public record Result(int entries, double javaSingle, double cSingle, double javaBatch, double cBatch,
                         double deltaApplyMs, double deltaDiffMs, double iperfNoProgram, double iperfOurs,
                         double iperfIptables, String iptablesVariant) {
    }

    private static final int ROUNDS = 5;
    private final Consumer<String> progress;
    private final Path root = Path.of("/sys/fs/bpf/bulwark-bench-" + ProcessHandle.current().pid());
    private final Path work;

    public DatapathBenchmark(Consumer<String> progress) {
        this.progress = progress;
        try {
            this.work = Files.createTempDirectory("bulwark-bench");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Result run(int entries, int iperfSeconds) {
        KernelDatapath.destroy(root);
        Thread cleanup = new Thread(() -> KernelDatapath.destroy(root), "bench-pin-cleanup"); // Ctrl-C
        Runtime.getRuntime().addShutdownHook(cleanup);
        try {
            Files.createDirectories(root);
            Path loop = compileBaseline();
            double[] java1 = new double[ROUNDS];
            double[] c1 = new double[ROUNDS];
            double[] javaB = new double[ROUNDS];
            double[] cB = new double[ROUNDS];
            javaUpdates(entries, false); // JIT warm-up
            javaUpdates(entries, true);
            for (int r = 0; r < ROUNDS; r++) {
                // Each run gets a fresh map; settle first, so the previous map's deferred (RCU) free does
                // not land on the next measurement.
                settle();
                java1[r] = javaUpdates(entries, false);
                settle();
                c1[r] = cUpdates(loop, entries, false);
                settle();
                javaB[r] = javaUpdates(entries, true);
                settle();
                cB[r] = cUpdates(loop, entries, true);
                progress.accept(String.format("round %d: single java %.0f/s c %.0f/s, batch java %.0f/s c %.0f/s",
                        r + 1, java1[r], c1[r], javaB[r], cB[r]));
            }
            double[] delta = deltaApply();
            progress.accept(String.format("1k-op delta: diff %.2f ms, apply %.2f ms", delta[0], delta[1]));
            double[] iperf = new VethThroughput(progress, iperfSeconds).run(root.resolve("dp"));
            // Best of the rounds on both sides: on a shared machine noise only ever slows a run down.
            return new Result(entries, best(java1), best(c1), best(javaB), best(cB), delta[1], delta[0],
                    iperf[0], iperf[1], iperf[2], "iptables-nft FORWARD chain, no ESTABLISHED shortcut");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            KernelDatapath.destroy(root);
            try {
                Runtime.getRuntime().removeShutdownHook(cleanup);
            } catch (IllegalStateException e) {
                // shutting down: the hook removes the pins
            }
        }
    }

    private static void settle() {
        try {
            Thread.sleep(300);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static double best(double[] v) {
        return Arrays.stream(v).max().orElseThrow();
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }

    private static BpfMap freshPolicyMap() {
        return BpfMap.create(MapInfo.TYPE_LPM_TRIE, Layouts.POLICY_KEY_SIZE, Layouts.POLICY_VALUE_SIZE, 262_144, 1, "bench_policy");
    }

    /** Prepared keys and values, as the C loop prepares them: identity 100000+i, ingress, TCP/80. */
    private static MemorySegment[] prepared(Arena a, int n) {
        MemorySegment keys = a.allocate((long) n * Layouts.POLICY_KEY_SIZE, 8);
        MemorySegment values = a.allocate((long) n * Layouts.POLICY_VALUE_SIZE, 8);
        for (int i = 0; i < n; i++) {
            PolicyKey k = PolicyKey.l4(100_000 + i, Direction.INGRESS, Protocols.TCP, 80);
            Layouts.writePolicyKey(keys, (long) i * Layouts.POLICY_KEY_SIZE, k);
            Layouts.writePolicyValue(values, (long) i * Layouts.POLICY_VALUE_SIZE, k, PolicyEntry.ALLOW);
        }
        return new MemorySegment[] {keys, values};
    }

    private static double javaUpdates(int n, boolean batch) {
        try (Arena a = Arena.ofConfined(); BpfMap map = freshPolicyMap()) {
            MemorySegment[] kv = prepared(a, n);
            long start = System.nanoTime();
            if (batch) {
                map.updateBatch(kv[0], kv[1], n);
            } else {
                for (int i = 0; i < n; i++) {
                    map.update(kv[0].asSlice((long) i * Layouts.POLICY_KEY_SIZE, Layouts.POLICY_KEY_SIZE),
                            kv[1].asSlice((long) i * Layouts.POLICY_VALUE_SIZE, Layouts.POLICY_VALUE_SIZE));
                }
            }
            return n / ((System.nanoTime() - start) / 1e9);
        }
    }

    private double cUpdates(Path loop, int n, boolean batch) {
        Path pin = root.resolve("c-map");
        try (BpfMap map = freshPolicyMap()) {
            Pins.pin(map.fd(), pin);
            String out = HostCommand.run(loop.toString(), pin.toString(), Integer.toString(n), batch ? "batch" : "single");
            return n / (Long.parseLong(out.trim()) / 1e9);
        } finally {
            try {
                Files.deleteIfExists(pin);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private Path compileBaseline() throws IOException {
        Path src = work.resolve("map_update_loop.c");
        try (InputStream in = DatapathBenchmark.class.getResourceAsStream("/dev/bulwark/agent/bench/map_update_loop.c")) {
            Files.copy(in, src);
        }
        Path bin = work.resolve("map_update_loop");
        HostCommand.run("cc", "-O2", "-o", bin.toString(), src.toString(), "-lbpf");
        return bin;
    }

    /** Returns {diff ms, apply ms}, medians over rounds: 10k entries, then 500 removed + 500 added. */
    private double[] deltaApply() {
        double[] diff = new double[15]; // the first rounds warm the JIT up; the median ignores them
        double[] apply = new double[15];
        for (int r = 0; r < diff.length; r++) {
            try (BpfPolicyMap map = new BpfPolicyMap("bench", freshPolicyMap())) {
                Map<PolicyKey, PolicyEntry> base = new HashMap<>();
                for (int i = 0; i < 10_000; i++) {
                    base.put(PolicyKey.l4(200_000 + i, Direction.INGRESS, Protocols.TCP, 443), PolicyEntry.ALLOW);
                }
                map.putAll(base);
                MapState.Builder b = MapState.builder();
                base.forEach(b::put);
                MapState current = b.build();
                for (int i = 0; i < 500; i++) {
                    b.remove(PolicyKey.l4(200_000 + i, Direction.INGRESS, Protocols.TCP, 443));
                    b.put(PolicyKey.l4(300_000 + i, Direction.INGRESS, Protocols.UDP, 53), PolicyEntry.DENY);
                }
                MapState desired = b.build();
                long t0 = System.nanoTime();
                MapDiff<PolicyKey, PolicyEntry> d = MapDiff.between(current, desired);
                long t1 = System.nanoTime();
                map.apply(d);
                long t2 = System.nanoTime();
                diff[r] = (t1 - t0) / 1e6;
                apply[r] = (t2 - t1) / 1e6;
            }
        }
        return new double[] {median(diff), median(apply)};
    }
}
