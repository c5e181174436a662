package dev.bulwark.agent.scenario;

import dev.bulwark.agent.datapath.DatapathConfig;
import dev.bulwark.agent.datapath.FlowEvent;
import dev.bulwark.agent.datapath.FlowTuple;
import dev.bulwark.agent.datapath.Frames;
import dev.bulwark.agent.datapath.Reason;
import dev.bulwark.agent.datapath.bpf.KernelDatapath;
import dev.bulwark.agent.datapath.bpf.ProgramTestRun;
import dev.bulwark.agent.datapath.bpf.RingBuffer;
import dev.bulwark.agent.netns.PodNetwork;
import dev.bulwark.agent.netns.PortServers;
import dev.bulwark.agent.netns.Probe;
import dev.bulwark.model.policy.Direction;
import dev.bulwark.model.policy.Protocols;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Runs a {@link KernelScenario} as real traffic: a private node namespace, one namespace per pod and per
 * outside IP, veth pairs, the eBPF programs attached (tcx) to every pod's host interface, maps programmed
 * from the compiled state, TCP and UDP servers on every probed port, then real probes (TCP connect, UDP
 * echo) in parallel. SCTP probes run the same attached programs through BPF_PROG_TEST_RUN (no SCTP
 * sockets on this kernel). L7 redirects and auth requirements pass, as in the model's L3/L4 verdict.
 * Everything it creates (namespaces, pins) is removed at the end, on failure, and on Ctrl-C (shutdown
 * hook). Uses only addresses inside the namespaces it creates.
 */
public final class KernelScenarioRunner {

    private static final int PARALLEL_PROBES = 16;
    private final Duration probeTimeout;
    /** Set by the shutdown hook: the running scenario stops at its next step and cleans up. */
    private final java.util.concurrent.atomic.AtomicBoolean stopping = new java.util.concurrent.atomic.AtomicBoolean();
    private final String prefix;

    /** @param probeTimeout how long a denied probe waits before it counts as dropped */
    public KernelScenarioRunner(Duration probeTimeout) {
        this.probeTimeout = probeTimeout;
        this.prefix = "bwv" + ProcessHandle.current().pid() % 100_000;
    }

    /** Why the kernel mode cannot run here (not root, bpf() refused, ...), or empty. */
    public static java.util.Optional<String> unavailable() {
        java.util.Optional<String> k = KernelDatapath.unavailable();
        if (k.isPresent()) {
            return k;
        }
        if (!"root".equals(System.getProperty("user.name"))) {
            return java.util.Optional.of("network namespaces and veth pairs need root (CAP_NET_ADMIN)");
        }
        return java.util.Optional.empty();
    }

    public List<KernelVerdict> run(KernelScenario scenario) {
        Path root = Path.of("/sys/fs/bpf/" + prefix);
        KernelDatapath.destroy(root);
        stopping.set(false);
        java.util.concurrent.CountDownLatch finished = new java.util.concurrent.CountDownLatch(1);
        // On Ctrl-C the JVM keeps running this thread while hooks run: stop it, let its own cleanup finish,
        // then sweep whatever is left (namespaces by prefix, the pin root).
        Thread cleanup = new Thread(() -> {
            stopping.set(true);
            try {
                finished.await(20, java.util.concurrent.TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            dev.bulwark.agent.netns.NetworkNamespace.deleteAll(prefix + "-");
            KernelDatapath.destroy(root);
        }, "verdict-cleanup");
        Runtime.getRuntime().addShutdownHook(cleanup);
        try (PodNetwork net = PodNetwork.create(prefix);
             PortServers servers = new PortServers();
             KernelDatapath datapath = KernelDatapath.open(root, DatapathConfig.DEFAULT.withPassThrough(true, true))) {
            Map<String, KernelDatapath.Endpoint> endpoints = setUp(scenario, net, servers, datapath);
            try (RingBuffer events = datapath.events()) {
                List<Pending> pending = probe(scenario, net);
                List<FlowEvent> seen = new ArrayList<>();
                events.drain(seen::add);
                return judge(scenario, pending, seen, endpoints, net);
            }
        } finally {
            KernelDatapath.destroy(root);
            finished.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(cleanup);
            } catch (IllegalStateException e) {
                // shutting down: the hook sweeps after us
            }
        }
    }

    private void checkNotStopping() {
        if (stopping.get()) {
            throw new IllegalStateException("stopped by shutdown (Ctrl-C); everything created is being removed");
        }
    }

    private Map<String, KernelDatapath.Endpoint> setUp(KernelScenario s, PodNetwork net, PortServers servers,
                                                      KernelDatapath datapath) {
        for (KernelScenario.Pod p : s.pods()) {
            checkNotStopping();
            net.addPod(p.name(), p.ip());
        }
        Set<String> outside = new LinkedHashSet<>();
        for (KernelScenario.ProbeSpec p : s.probes()) {
            for (String end : List.of(p.from(), p.to())) {
                if (!net.pods().containsKey(end)) {
                    outside.add(end);
                }
            }
        }
        for (String ip : outside) {
            checkNotStopping();
            net.addPod(ip, ip); // an outside peer: a namespace with that address and no program
        }
        Set<String> listening = new java.util.HashSet<>();
        for (KernelScenario.ProbeSpec p : s.probes()) {
            PodNetwork.Pod dst = net.pod(p.to());
            if (p.protocol() != Protocols.SCTP && listening.add(p.to() + "/" + p.port() + "/" + p.protocol())) {
                if (p.protocol() == Protocols.TCP) {
                    servers.tcp(dst.namespace(), dst.ip(), p.port());
                } else {
                    servers.udp(dst.namespace(), dst.ip(), p.port());
                }
            }
        }
        datapath.ipcache().reconcile(s.ipcache());
        Map<String, KernelDatapath.Endpoint> endpoints = new HashMap<>();
        net.node().call(() -> {
            for (KernelScenario.Pod p : s.pods()) {
                KernelDatapath.Endpoint ep = datapath.attach(endpointId(p.name()), net.pod(p.name()).hostIfindex());
                ep.policy().reconcile(p.policy());
                endpoints.put(p.name(), ep);
            }
            return null;
        });
        return endpoints;
    }

    private static String endpointId(String podName) {
        return podName.replaceAll("[^A-Za-z0-9_.-]", "_");
    }

    private record Pending(KernelScenario.ProbeSpec spec, Future<Probe> probe) {
    }

    private List<Pending> probe(KernelScenario s, PodNetwork net) {
        ExecutorService pool = Executors.newFixedThreadPool(PARALLEL_PROBES);
        try {
            List<Pending> out = new ArrayList<>();
            for (KernelScenario.ProbeSpec p : s.probes()) {
                checkNotStopping();
                if (p.protocol() == Protocols.SCTP) {
                    out.add(new Pending(p, null));
                    continue;
                }
                PodNetwork.Pod from = net.pod(p.from());
                PodNetwork.Pod to = net.pod(p.to());
                out.add(new Pending(p, pool.submit(() -> p.protocol() == Protocols.TCP
                        ? Probe.tcp(from.namespace(), from.ip(), to.ip(), p.port(), probeTimeout)
                        : Probe.udp(from.namespace(), from.ip(), to.ip(), p.port(), probeTimeout))));
            }
            for (Pending p : out) {
                if (p.probe() != null) {
                    p.probe().get();
                }
            }
            return out;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while probing", e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException("probe failed: " + e.getCause(), e.getCause());
        } finally {
            pool.shutdownNow();
        }
    }

    private List<KernelVerdict> judge(KernelScenario s, List<Pending> pending, List<FlowEvent> events,
                                      Map<String, KernelDatapath.Endpoint> endpoints, PodNetwork net) throws RuntimeException {
        Map<Integer, String> byIfindex = new HashMap<>();
        net.pods().values().forEach(p -> byIfindex.put(p.hostIfindex(), p.name()));
        List<KernelVerdict> out = new ArrayList<>();
        for (Pending p : pending) {
            KernelScenario.ProbeSpec spec = p.spec();
            int src = FlowTuple.ipv4(net.pod(spec.from()).ip());
            int dst = FlowTuple.ipv4(net.pod(spec.to()).ip());
            if (p.probe() == null) {
                out.add(sctp(spec, src, dst, endpoints));
                continue;
            }
            Probe probe = join(p.probe());
            FlowEvent drop = events.stream().filter(e -> !e.allowed() && e.saddr() == src && e.daddr() == dst
                    && e.sport() == probe.sourcePort() && e.dport() == spec.port() && e.protocol() == spec.protocol())
                    .findFirst().orElse(null);
            String method = spec.protocol() == Protocols.TCP ? "tcp connect" : "udp echo";
            if (probe.connected()) {
                out.add(new KernelVerdict(spec, true, method, Reason.ALLOWED_NEW, "", probe.detail()));
            } else {
                String where = drop == null ? "" : byIfindex.getOrDefault(drop.ifindex(), "?") + " "
                        + drop.direction().name().toLowerCase(java.util.Locale.ROOT);
                out.add(new KernelVerdict(spec, false, method, drop == null ? null : drop.reason(), where, probe.detail()));
            }
        }
        return out;
    }

    private static Probe join(Future<Probe> f) {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }

    /** SCTP: the source pod's egress program, then the destination pod's ingress program, on a crafted INIT. */
    private static KernelVerdict sctp(KernelScenario.ProbeSpec spec, int src, int dst,
                                      Map<String, KernelDatapath.Endpoint> endpoints) {
        FlowTuple t = new FlowTuple(src, dst, Protocols.SCTP, 40_000 + Math.floorMod(spec.hashCode(), 20_000), spec.port());
        byte[] frame = Frames.ipv4(t);
        KernelDatapath.Endpoint from = endpoints.get(spec.from());
        if (from != null) {
            ProgramTestRun.Result r = from.testRun(Direction.EGRESS, frame);
            if (!r.passed()) {
                return new KernelVerdict(spec, false, "BPF_PROG_TEST_RUN", r.reason(), spec.from() + " egress", "dropped");
            }
        }
        KernelDatapath.Endpoint to = endpoints.get(spec.to());
        if (to != null) {
            ProgramTestRun.Result r = to.testRun(Direction.INGRESS, frame);
            if (!r.passed()) {
                return new KernelVerdict(spec, false, "BPF_PROG_TEST_RUN", r.reason(), spec.to() + " ingress", "dropped");
            }
        }
        return new KernelVerdict(spec, true, "BPF_PROG_TEST_RUN", Reason.ALLOWED_NEW, "", "passed");
    }
}
