package dev.bulwark.chaos.db;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * N replicas in their own namespaces on one bridge. {@link #close()} kills every process (SIGCONT first,
 * so a paused one can die), then removes namespaces and the bridge; a shutdown hook does the same if the
 * JVM exits first. Data directories are kept (they are in the run directory, next to the history).
 * Thread-safe: replicas guard themselves; start/close are called by one thread.
 */
public final class Cluster implements AutoCloseable {

    private final Fabric fabric;
    private final ReplicaCommand command;
    private final Map<String, Replica> replicas = new LinkedHashMap<>();
    private final Thread hook;
    private boolean closed;

    /**
     * Creates the network; does not start the replicas.
     *
     * @param runDir where data directories and replica logs go
     */
    public Cluster(String run, int octet, List<String> nodes, Path runDir, ReplicaCommand command) {
        this.command = command;
        this.fabric = new Fabric(run, octet, nodes);
        this.hook = new Thread(this::close, "chaos-cleanup-" + run);
        Runtime.getRuntime().addShutdownHook(hook);
        for (String node : nodes) {
            replicas.put(node, new Replica(node, fabric.addresses().get(node), runDir.resolve(node), fabric.enter(node)));
        }
    }

    public Fabric fabric() {
        return fabric;
    }

    public List<String> nodes() {
        return List.copyOf(replicas.keySet());
    }

    public Replica replica(String node) {
        Replica r = replicas.get(node);
        if (r == null) {
            throw new IllegalArgumentException("node: unknown replica '" + node + "', have " + replicas.keySet());
        }
        return r;
    }

    public Map<String, String> addresses() {
        return fabric.addresses();
    }

    public void startAll() {
        replicas.values().forEach(r -> r.start(command, addresses(), false));
    }

    /** Starts (or restarts on the same data) one replica. */
    public void start(String node, boolean join) {
        replica(node).start(command, addresses(), join);
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        List<String> errors = new ArrayList<>();
        for (Replica r : replicas.values()) {
            try {
                r.resume();
                r.kill();
            } catch (RuntimeException e) {
                errors.add(e.getMessage());
            }
        }
        errors.addAll(fabric.remove());
        errors.forEach(e -> System.err.println("chaos cleanup: " + e));
        if (Thread.currentThread() != hook) {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // Already shutting down: the hook is running or ran; nothing left to do.
            }
        }
    }
}
