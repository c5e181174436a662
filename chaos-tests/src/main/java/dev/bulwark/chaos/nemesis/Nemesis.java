package dev.bulwark.chaos.nemesis;

import dev.bulwark.chaos.db.Cluster;
import dev.bulwark.chaos.generator.FaultKind;
import dev.bulwark.chaos.generator.FaultWindow;
import dev.bulwark.chaos.generator.Targeting;
import dev.bulwark.chaos.history.HistoryRecorder;
import dev.bulwark.chaos.history.Op;
import dev.bulwark.chaos.history.OpType;
import dev.bulwark.chaos.history.OpValue;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Injects and heals the planned faults on a {@link Cluster}, recording each as a nemesis operation
 * (process -1): {@code start-partition}/{@code stop-partition} with the grudge, {@code kill}/{@code restart},
 * {@code pause}/{@code resume}, {@code wipe}/{@code rejoin} with the node. A fault that could not be
 * applied completes as {@code info} with the error. Called from one nemesis thread.
 *
 * <p>Each fault starts only once the previous one has been recovered from: every replica serves a
 * linearizable read ({@code await-recovery}, at most {@link #RECOVERY_WAIT}), as a Jepsen leader-kill
 * schedule waits for the cluster to heal. Without that wait, a leader killed while the previous victim is
 * still restarting or catching up leaves no quorum, and the run measures the restart time, not failover.
 */
public final class Nemesis {

    /** The longest a fault waits for every replica to serve again before it starts anyway. */
    public static final Duration RECOVERY_WAIT = Duration.ofSeconds(30);
    /** The nemesis function of the wait before each fault. */
    public static final String AWAIT_RECOVERY = "await-recovery";

    private final Cluster cluster;
    private final HistoryRecorder history;
    private final Supplier<Optional<String>> leader;
    private final Predicate<String> serves;
    private final Membership membership;
    private final List<String> hit = new ArrayList<>();

    /**
     * @param leader     finds the current leader's node name, empty if unknown
     * @param serves     whether a replica (node name) serves a linearizable read now: it is up, hears the
     *                   leader and has applied the log up to the leader's commit index
     * @param membership membership changes for wipe-and-rejoin, or null when the store has none
     */
    public Nemesis(Cluster cluster, HistoryRecorder history, Supplier<Optional<String>> leader,
                   Predicate<String> serves, Membership membership) {
        this.cluster = cluster;
        this.history = history;
        this.leader = leader;
        this.serves = serves;
        this.membership = membership;
    }

    /** Starts the window's fault, once every replica serves again (or {@link #RECOVERY_WAIT} passed). */
    public void start(FaultWindow w) {
        awaitRecovery(RECOVERY_WAIT);
        switch (w.kind()) {
            case PARTITION -> {
                Map<String, Set<String>> grudge = Grudges.of(w.targeting(), cluster.nodes(),
                        leader.get().orElse(null), w.choice());
                record("start-partition", w.targeting().wire() + " " + Grudges.describe(grudge), () -> partition(grudge));
            }
            case KILL -> {
                String node = target(w);
                record("kill", node, () -> cluster.replica(node).kill());
            }
            case PAUSE -> {
                String node = target(w);
                record("pause", node, () -> cluster.replica(node).pause());
            }
            case WIPE -> {
                String node = target(w);
                record("wipe", node, () -> wipe(node));
            }
        }
    }

    public void stop(FaultWindow w) {
        switch (w.kind()) {
            case PARTITION -> record("stop-partition", null, this::heal);
            case KILL -> restart("restart", false);
            case PAUSE -> {
                List<String> nodes = List.copyOf(hit);
                hit.clear();
                record("resume", String.join(",", nodes), () -> nodes.forEach(n -> cluster.replica(n).resume()));
            }
            case WIPE -> restart("rejoin", true);
        }
    }

    /** Heals everything: no partition, every replica resumed and running. Safe to call at any time. */
    public void healAll() {
        record("stop-partition", "heal-all", this::heal);
        for (String node : cluster.nodes()) {
            cluster.replica(node).resume();
        }
        hit.clear();
        List<String> dead = cluster.nodes().stream().filter(n -> !cluster.replica(n).alive()).toList();
        if (!dead.isEmpty()) {
            record("restart", String.join(",", dead), () -> dead.forEach(n -> cluster.start(n, false)));
        }
    }

    /**
     * Waits, up to {@code max}, until some replica names a leader, recorded as {@code await-leader} (ok with
     * the leader, or info when none came). Called after heal and quiesce, before the final reads: those
     * check that acknowledged allocations survived, which an election still running on a starved machine
     * would otherwise turn into "unknown". The wait itself shows in the history as recovery time.
     */
    public void awaitLeader(Duration max) {
        history.append(OpType.INVOKE, Op.NEMESIS, "await-leader", OpValue.ofDetail(null), null);
        long until = System.nanoTime() + max.toNanos();
        while (true) {
            Optional<String> l = leader.get();
            if (l.isPresent()) {
                history.append(OpType.OK, Op.NEMESIS, "await-leader", OpValue.ofDetail(l.get()), null);
                return;
            }
            if (System.nanoTime() >= until) {
                history.append(OpType.INFO, Op.NEMESIS, "await-leader", OpValue.ofDetail(null),
                        "no leader within " + max.toSeconds() + " s");
                return;
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /**
     * Waits until every replica serves a linearizable read, recorded as {@code await-recovery}: ok, or
     * info naming the replicas that still did not after {@code max} (the fault then starts anyway, so a
     * starved machine cannot stall the schedule; the performance checker counts such faults).
     */
    void awaitRecovery(Duration max) {
        history.append(OpType.INVOKE, Op.NEMESIS, AWAIT_RECOVERY, OpValue.ofDetail(null), null);
        long until = System.nanoTime() + max.toNanos();
        List<String> lagging = cluster.nodes();
        while (true) {
            lagging = lagging.stream().filter(n -> !serves.test(n)).toList();
            if (lagging.isEmpty()) {
                history.append(OpType.OK, Op.NEMESIS, AWAIT_RECOVERY, OpValue.ofDetail(null), null);
                return;
            }
            if (System.nanoTime() >= until) {
                history.append(OpType.INFO, Op.NEMESIS, AWAIT_RECOVERY, OpValue.ofDetail(String.join(",", lagging)),
                        "not serving after " + max.toSeconds() + " s");
                return;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                history.append(OpType.INFO, Op.NEMESIS, AWAIT_RECOVERY, OpValue.ofDetail(String.join(",", lagging)),
                        "interrupted");
                return;
            }
        }
    }

    private void restart(String f, boolean join) {
        List<String> nodes = List.copyOf(hit);
        hit.clear();
        record(f, String.join(",", nodes), () -> {
            for (String n : nodes) {
                cluster.start(n, join);
                if (join && membership != null) {
                    membership.add(n);
                }
            }
        });
    }

    private String target(FaultWindow w) {
        List<String> nodes = cluster.nodes();
        String node = w.targeting() == Targeting.LEADER ? leader.get().orElse(null) : null;
        if (node == null || !nodes.contains(node)) {
            node = nodes.get(new SplittableRandom(w.choice()).nextInt(nodes.size()));
        }
        hit.add(node);
        return node;
    }

    private void partition(Map<String, Set<String>> grudge) {
        grudge.forEach((node, from) -> {
            for (String src : from) {
                cluster.fabric().inNamespace(node, "iptables", "-w", "-A", "INPUT", "-s",
                        cluster.addresses().get(src), "-j", "DROP");
            }
        });
    }

    private void heal() {
        for (String node : cluster.nodes()) {
            cluster.fabric().inNamespace(node, "iptables", "-w", "-F", "INPUT");
        }
    }

    private void wipe(String node) {
        if (membership == null) {
            throw new UnsupportedOperationException("the store under test has no membership change");
        }
        cluster.replica(node).kill();
        cluster.replica(node).wipe();
        membership.remove(node);
    }

    private void record(String f, String detail, Runnable action) {
        history.append(OpType.INVOKE, Op.NEMESIS, f, OpValue.ofDetail(detail), null);
        try {
            action.run();
            history.append(OpType.OK, Op.NEMESIS, f, OpValue.ofDetail(detail), null);
        } catch (RuntimeException e) {
            history.append(OpType.INFO, Op.NEMESIS, f, OpValue.ofDetail(detail),
                    e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    /** Fault kinds this nemesis can inject given the store (wipe needs membership change). */
    public Set<FaultKind> supported() {
        return membership == null ? Set.of(FaultKind.PARTITION, FaultKind.KILL, FaultKind.PAUSE)
                : Set.of(FaultKind.values());
    }
}
