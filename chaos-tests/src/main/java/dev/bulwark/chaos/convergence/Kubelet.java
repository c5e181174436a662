package dev.bulwark.chaos.convergence;

import dev.bulwark.chaos.history.HistoryRecorder;
import dev.bulwark.chaos.history.OpType;
import dev.bulwark.chaos.history.OpValue;
import java.io.IOException;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * What a kubelet and CNI would do: keeps each agent's attached endpoints equal to the pods the current
 * inputs schedule on its node (attach with the pod's labels, detach what is gone), retrying an agent that
 * is down or paused on the next pass and re-attaching everything after an agent restart (the model
 * datapath keeps nothing across one). Each pass also samples every agent's acknowledged version (for
 * {@link VersionChecker}). Each attach/detach is a history operation of process = the agent's
 * number. Runs on its own thread until {@link #stop()}.
 */
final class Kubelet implements Runnable {

    private final Stack stack;
    private final Probes probes;
    private final HistoryRecorder history;
    private final Supplier<ClusterInputs> inputs;
    private final VersionChecker.Samples versions = new VersionChecker.Samples();
    private volatile boolean running = true;

    Kubelet(Stack stack, Probes probes, HistoryRecorder history, Supplier<ClusterInputs> inputs) {
        this.stack = stack;
        this.probes = probes;
        this.history = history;
        this.inputs = inputs;
    }

    /** The acknowledged versions seen on each pass, per agent. */
    VersionChecker.Samples versions() {
        return versions;
    }

    void stop() {
        running = false;
    }

    @Override
    public void run() {
        while (running) {
            reconcileOnce();
            try {
                Thread.sleep(250);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** One pass over every agent; true when every agent was reachable and already matched. */
    boolean reconcileOnce() {
        boolean clean = true;
        ClusterInputs in = inputs.get();
        for (String a : stack.agentNames()) {
            int process = Integer.parseInt(a.substring(1));
            Set<String> attached;
            int generation = stack.daemon(a).starts();
            try {
                Probes.AgentStatus status = probes.status(a);
                attached = status.endpoints();
                if (stack.daemon(a).starts() == generation) { // else the answer may be the next instance's
                    versions.record(a, new VersionChecker.Sample(history.elapsedNanos(), generation, status.version()));
                }
            } catch (IOException e) {
                clean = false;
                continue; // down or paused: the next pass retries
            }
            SortedMap<String, ClusterInputs.PodSpec> want = in.podsOn(stack.nodeOf(a));
            for (ClusterInputs.PodSpec p : want.values()) {
                if (!attached.contains(p.key())) {
                    clean = false;
                    call(process, "attach", a + " " + p.key(), () -> probes.attach(a, p.key(), p.labels()));
                }
            }
            for (String name : new TreeSet<>(attached)) {
                if (!want.containsKey(name)) {
                    clean = false;
                    call(process, "detach", a + " " + name, () -> probes.detach(a, name));
                }
            }
        }
        return clean;
    }

    private interface Call {
        void run() throws IOException;
    }

    private void call(int process, String f, String detail, Call c) {
        history.append(OpType.INVOKE, process, f, OpValue.ofDetail(detail), null);
        try {
            c.run();
            history.append(OpType.OK, process, f, OpValue.ofDetail(detail), null);
        } catch (IOException | RuntimeException e) {
            // Attach and detach are idempotent and re-checked on the next pass: an unknown outcome is harmless.
            history.append(OpType.INFO, process, f, OpValue.ofDetail(detail), e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }
}
