package dev.bulwark.chaos.convergence;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The processes of one convergence run, all {@code bulwark} commands on 127.0.0.1 (no namespaces, so no
 * root): allocator replicas n1..n3 ({@code allocator start}, gRPC on base, base+2, base+4; Raft on the
 * next port), distributor replicas d1, d2 ({@code distributor start --watch DIR}, PolicyDistribution on
 * base+10.., Hazelcast on base+20.., each listing both members), agents a1.. ({@code agent start
 * --datapath model}, node w1.., API on base+30.., pin root under the run directory; a1, a3 stream from d1
 * and a2 from d2). {@link #close()} kills every process (also from a shutdown hook). Start and close are
 * called by one thread; each {@link Daemon} guards itself.
 */
public final class Stack implements AutoCloseable {

    public static final List<String> ALLOCATORS = List.of("n1", "n2", "n3");
    public static final List<String> DISTRIBUTORS = List.of("d1", "d2");

    private final int base;
    private final int agents;
    private final Map<String, Daemon> daemons = new LinkedHashMap<>();
    private final Thread hook = new Thread(this::close, "convergence-cleanup");
    private boolean closed;

    /**
     * @param launcher the {@code bulwark} command (java, options, class path, main class)
     * @param watch    the directory the distributors watch
     */
    public Stack(List<String> launcher, int basePort, int agents, Path runDir, Path watch) throws IOException {
        this.base = basePort;
        this.agents = agents;
        List<String> peers = new ArrayList<>();
        List<String> identity = new ArrayList<>();
        for (String n : ALLOCATORS) {
            peers.add(n + "=" + allocatorAddress(n));
            identity.add(allocatorAddress(n));
        }
        for (String n : ALLOCATORS) {
            Path data = Files.createDirectories(runDir.resolve(n));
            add(n, launcher, runDir, List.of("allocator", "start", "--id", n, "--peers", String.join(",", peers),
                    "--data", data.toString(), "--cluster-id", "1"));
        }
        List<String> members = new ArrayList<>();
        for (int i = 0; i < DISTRIBUTORS.size(); i++) {
            members.add("--cluster-member");
            members.add("127.0.0.1:" + (base + 20 + i));
        }
        for (int i = 0; i < DISTRIBUTORS.size(); i++) {
            String d = DISTRIBUTORS.get(i);
            List<String> args = new ArrayList<>(List.of("distributor", "start", "--id", d, "--listen", distributorAddress(d),
                    "--identity", String.join(",", identity), "--watch", watch.toString(),
                    "--cluster-port", Integer.toString(base + 20 + i)));
            args.addAll(members);
            add(d, launcher, runDir, args);
        }
        for (String a : agentNames()) {
            Path pins = Files.createDirectories(runDir.resolve(a).resolve("bpf"));
            add(a, launcher, runDir, List.of("agent", "start", "--node", nodeOf(a), "--distributor",
                    distributorAddress(distributorOf(a)), "--api", agentApi(a), "--pin-root", pins.toString(),
                    "--datapath", "model"));
        }
        Runtime.getRuntime().addShutdownHook(hook);
    }

    private void add(String name, List<String> launcher, Path runDir, List<String> args) {
        List<String> cmd = new ArrayList<>(launcher);
        cmd.addAll(args);
        daemons.put(name, new Daemon(name, cmd, runDir.resolve(name + ".log")));
    }

    public List<String> agentNames() {
        List<String> out = new ArrayList<>();
        for (int i = 1; i <= agents; i++) {
            out.add("a" + i);
        }
        return out;
    }

    /** Every process name: allocators, distributors, agents. */
    public List<String> names() {
        return List.copyOf(daemons.keySet());
    }

    public Daemon daemon(String name) {
        Daemon d = daemons.get(name);
        if (d == null) {
            throw new IllegalArgumentException("process: unknown '" + name + "', have " + daemons.keySet());
        }
        return d;
    }

    public String allocatorAddress(String n) {
        return "127.0.0.1:" + (base + 2 * ALLOCATORS.indexOf(n));
    }

    public Map<String, String> allocatorAddresses() {
        Map<String, String> out = new LinkedHashMap<>();
        ALLOCATORS.forEach(n -> out.put(n, allocatorAddress(n)));
        return out;
    }

    public String distributorAddress(String d) {
        return "127.0.0.1:" + (base + 10 + DISTRIBUTORS.indexOf(d));
    }

    public String agentApi(String a) {
        return "127.0.0.1:" + (base + 30 + Integer.parseInt(a.substring(1)));
    }

    /** a1 streams from d1, a2 from d2, a3 from d1. */
    public String distributorOf(String a) {
        return DISTRIBUTORS.get((Integer.parseInt(a.substring(1)) - 1) % DISTRIBUTORS.size());
    }

    public String nodeOf(String a) {
        return "w" + a.substring(1);
    }

    public void startAll() {
        daemons.values().forEach(Daemon::start);
    }

    /** Every process resumed and running (restarted on its data if it was killed). */
    public List<String> healAll() {
        List<String> restarted = new ArrayList<>();
        for (Daemon d : daemons.values()) {
            d.resume();
            if (!d.alive()) {
                d.start();
                restarted.add(d.name());
            }
        }
        return restarted;
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (Daemon d : daemons.values()) {
            try {
                d.kill();
            } catch (RuntimeException e) {
                System.err.println("convergence cleanup: " + d.name() + ": " + e.getMessage());
            }
        }
        if (Thread.currentThread() != hook) {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // Already shutting down: the hook runs or ran.
            }
        }
    }
}
