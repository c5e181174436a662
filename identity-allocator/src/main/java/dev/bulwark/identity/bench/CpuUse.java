package dev.bulwark.identity.bench;

import java.io.File;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * CPU time of this JVM (and of given child processes) at one moment, so a phase can report where its
 * CPU went: per thread group (by thread name) and the rest of the process (GC, JIT compiler and VM
 * threads, which {@link ThreadMXBean} does not list; on Linux the JIT's and the GC's threads are read
 * from {@code /proc/self/task}, and "vm" is what remains). A load generator that shares the machine with
 * the systems under test makes wall-clock rates depend on the machine's load; CPU per operation
 * depends on it much less, and the groups show which part of the path costs what.
 */
final class CpuUse {

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final com.sun.management.OperatingSystemMXBean OS =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    private final long wallNanos;
    private final long processNanos;
    private final long childNanos;
    private final Map<Long, Long> threadNanos;
    private final Map<Long, String> threadNames;
    /** CPU of the JVM's own threads by group ("jit", "gc"), from /proc; empty where it cannot be read. */
    private final Map<String, Long> nativeNanos;

    private CpuUse(long wallNanos, long processNanos, long childNanos, Map<Long, Long> threadNanos, Map<Long, String> threadNames,
                   Map<String, Long> nativeNanos) {
        this.nativeNanos = nativeNanos;
        this.wallNanos = wallNanos;
        this.processNanos = processNanos;
        this.childNanos = childNanos;
        this.threadNanos = threadNanos;
        this.threadNames = threadNames;
    }

    /** This JVM's CPU now, plus the total CPU of {@code children} (e.g. etcd members). */
    static CpuUse now(List<ProcessHandle> children) {
        Map<Long, Long> cpu = new HashMap<>();
        Map<Long, String> names = new HashMap<>();
        for (ThreadInfo t : THREADS.getThreadInfo(THREADS.getAllThreadIds())) {
            if (t == null) {
                continue;
            }
            long ns = THREADS.getThreadCpuTime(t.getThreadId());
            if (ns >= 0) {
                cpu.put(t.getThreadId(), ns);
                names.put(t.getThreadId(), t.getThreadName());
            }
        }
        long child = 0;
        for (ProcessHandle p : children) {
            child += p.info().totalCpuDuration().map(Duration::toNanos).orElse(0L);
        }
        return new CpuUse(System.nanoTime(), OS.getProcessCpuTime(), child, cpu, names, nativeThreads());
    }

    /** Linux: utime + stime of the compiler and GC threads (clock ticks, 100 per second). */
    private static Map<String, Long> nativeThreads() {
        Map<String, Long> out = new HashMap<>();
        File[] tasks = new File("/proc/self/task").listFiles();
        if (tasks == null) {
            return out;
        }
        for (File task : tasks) {
            try {
                String stat = Files.readString(task.toPath().resolve("stat"));
                int open = stat.indexOf('(');
                int close = stat.lastIndexOf(')');
                String comm = stat.substring(open + 1, close);
                String group = comm.contains("CompilerThre") ? "jit"
                        : comm.startsWith("GC Thread") || comm.startsWith("G1 ") ? "gc" : null;
                if (group != null) {
                    String[] f = stat.substring(close + 2).split(" ");
                    // fields 14 and 15 of stat (utime, stime) are at 11 and 12 after the command
                    out.merge(group, (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 10_000_000L, Long::sum);
                }
            } catch (IOException | RuntimeException gone) {
                // the thread ended between listing and reading
            }
        }
        return out;
    }

    static CpuUse now() {
        return now(List.of());
    }

    /**
     * What was used between {@code start} and this snapshot.
     *
     * @param cores       CPU seconds per wall second, this JVM and the children together
     * @param totalMs     CPU milliseconds, this JVM and the children together
     * @param childMs     CPU milliseconds of the children
     * @param groupsMs    CPU milliseconds per thread group of this JVM, largest first; "jit" and "gc" are
     *                    the compiler and GC threads, "vm" the rest of the process total minus all listed
     *                    threads ("gc, jit and vm" together where /proc cannot be read)
     */
    record Spent(double cores, double totalMs, double childMs, Map<String, Double> groupsMs) {

        /** One line: cores busy, CPU per operation, and the largest groups as shares. */
        String describe(long operations, String unit) {
            StringBuilder b = new StringBuilder(String.format("%.2f cores busy, %.0f us CPU per %s", cores,
                    operations == 0 ? 0.0 : totalMs * 1000 / operations, unit));
            if (childMs > 0) {
                b.append(String.format(" (%.0f%% in the etcd processes)", 100 * childMs / totalMs));
            }
            b.append("; this JVM by thread:");
            double jvm = totalMs - childMs;
            groupsMs.entrySet().stream().limit(7).forEach(e ->
                    b.append(String.format(" %s %.0f%%,", e.getKey(), jvm <= 0 ? 0.0 : 100 * e.getValue() / jvm)));
            b.setLength(b.length() - 1);
            return b.toString();
        }
    }

    Spent since(CpuUse start) {
        Map<String, Double> groups = new HashMap<>();
        double listed = 0;
        for (Map.Entry<Long, Long> e : threadNanos.entrySet()) {
            double ms = (e.getValue() - start.threadNanos.getOrDefault(e.getKey(), 0L)) / 1e6;
            groups.merge(group(threadNames.get(e.getKey())), ms, Double::sum);
            listed += ms;
        }
        double processMs = (processNanos - start.processNanos) / 1e6;
        double rest = Math.max(0, processMs - listed);
        if (nativeNanos.isEmpty()) {
            groups.merge("gc, jit and vm", rest, Double::sum);
        } else {
            for (String g : List.of("jit", "gc")) {
                double ms = Math.min(rest, Math.max(0, (nativeNanos.getOrDefault(g, 0L) - start.nativeNanos.getOrDefault(g, 0L)) / 1e6));
                groups.merge(g, ms, Double::sum);
                rest -= ms;
            }
            groups.merge("vm", rest, Double::sum);
        }
        List<Map.Entry<String, Double>> sorted = new ArrayList<>(groups.entrySet());
        sorted.sort(Map.Entry.<String, Double>comparingByValue().reversed());
        Map<String, Double> ordered = new LinkedHashMap<>();
        sorted.forEach(e -> ordered.put(e.getKey(), e.getValue()));
        double childMs = (childNanos - start.childNanos) / 1e6;
        double total = processMs + childMs;
        double wallS = (wallNanos - start.wallNanos) / 1e9;
        return new Spent(wallS <= 0 ? 0 : total / 1000 / wallS, total, childMs, ordered);
    }

    /** Thread groups by the names gRPC, Netty, Ratis and the JDK give their threads. */
    static String group(String name) {
        if (name.startsWith("ForkJoinPool-")) {
            return "virtual threads"; // carriers: load generator, client calls, gateway completions, watch senders
        }
        if (name.startsWith("grpc-nio-worker") || name.startsWith("grpc-nio-boss")) {
            return "grpc transport";
        }
        if (name.startsWith("grpc-default-worker") || name.startsWith("grpc-default-boss")) {
            return "raft transport"; // Ratis's shaded gRPC/Netty
        }
        if (name.startsWith("grpc-default-executor")) {
            return "grpc executors"; // both gRPC copies name their executor threads alike
        }
        if (name.contains("StateMachineUpdater")) {
            return "raft apply";
        }
        if (name.contains("SegmentedRaftLogWorker")) {
            return "raft log";
        }
        if (name.contains("@group-") || name.matches("n\\d+-(server|client|impl)-thread\\d+") || name.matches("timer\\d+")) {
            return "raft other";
        }
        if (name.startsWith("HttpClient")) {
            return "http client";
        }
        return "other";
    }
}
