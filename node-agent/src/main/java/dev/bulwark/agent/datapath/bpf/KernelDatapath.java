package dev.bulwark.agent.datapath.bpf;

import dev.bulwark.agent.datapath.DatapathConfig;
import dev.bulwark.agent.datapath.Reason;
import dev.bulwark.model.policy.Direction;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * The eBPF datapath of one node, rooted at a bpffs pin directory:
 * <pre>
 *   ROOT/{ipcache,auth,conntrack,counters,config,events} shared maps
 *   ROOT/endpoints/ID/policy                            the endpoint's policy map (LPM trie)
 *   ROOT/endpoints/ID/endpoint                          the endpoint's own identity (auth map lookups)
 *   ROOT/endpoints/ID/link-ingress, link-egress         tcx links (host veth ingress/egress)
 * </pre>
 * Everything is pinned, so enforcement continues while the agent is down and a restarted agent picks the
 * same maps up (and reconciles them) instead of wiping them. The object file ships in the jar. Not
 * thread-safe: one owner thread; attach/detach must run inside the interface's network namespace.
 */
public final class KernelDatapath implements AutoCloseable {

    public static final Path DEFAULT_PIN_ROOT = Path.of("/sys/fs/bpf/bulwark");
    static final String OBJECT_RESOURCE = "/dev/bulwark/agent/bpf/bulwark.bpf.o";
    private static final String[] SHARED = {"ipcache", "auth", "conntrack", "counters", "config", "events"};
    private static final Pattern ENDPOINT_ID = Pattern.compile("[A-Za-z0-9_.-]{1,64}");

    /** How programs are attached: tcx links (6.6+) or tc clsact filters (older kernels). */
    public enum AttachMode { TCX, TC }

    private final Path root;
    private final Path object;
    private final BpfIpcacheMap ipcache;
    private final BpfMap config;
    private final BpfMap counters;
    private final BpfMap conntrack;
    private final BpfAuthMap auth;
    private final Map<String, Endpoint> loaded = new HashMap<>();
    private AttachMode mode;

    private KernelDatapath(Path root, Path object, DatapathConfig cfg) {
        this.root = root;
        this.object = object;
        Map<String, Path> pins = new HashMap<>();
        for (String m : SHARED) {
            pins.put(m, root.resolve(m));
        }
        // Loading once verifies the program against this kernel and creates (or reuses) the shared pins.
        Libbpf.load(object, pins).close();
        this.ipcache = new BpfIpcacheMap(BpfMap.openPinned(root.resolve("ipcache")));
        this.config = BpfMap.openPinned(root.resolve("config"));
        this.counters = BpfMap.openPinned(root.resolve("counters"));
        this.conntrack = BpfMap.openPinned(root.resolve("conntrack"));
        this.auth = new BpfAuthMap(BpfMap.openPinned(root.resolve("auth")), java.time.InstantSource.system());
        config.info().require(MapInfo.TYPE_ARRAY, 4, Layouts.CONFIG_SIZE);
        counters.info().require(MapInfo.TYPE_PERCPU_ARRAY, 4, Layouts.COUNTER_SIZE);
        conntrack.info().require(MapInfo.TYPE_LRU_HASH, Layouts.CT_KEY_SIZE, Layouts.CT_VALUE_SIZE);
        configure(cfg);
    }

    /**
     * Opens (or creates) the datapath pinned at {@code root}. Mounts bpffs at /sys/fs/bpf if needed.
     * Throws {@link BpfException} when the kernel refuses bpf().
     */
    public static KernelDatapath open(Path root, DatapathConfig cfg) {
        BpfFs.ensureMounted(root);
        try {
            Files.createDirectories(root.resolve("endpoints"));
        } catch (IOException e) {
            throw new UncheckedIOException("creating pin root " + root, e);
        }
        return new KernelDatapath(root, extractObject(), cfg);
    }

    /** Empty when this process can run the kernel datapath; otherwise the reason, for a loud message. */
    public static Optional<String> unavailable() {
        if (!System.getProperty("os.name").equals("Linux")) {
            return Optional.of("not Linux");
        }
        Optional<String> lib = Libbpf.unavailable();
        if (lib.isPresent()) {
            return lib;
        }
        try {
            BpfFs.ensureMounted(DEFAULT_PIN_ROOT);
        } catch (RuntimeException e) {
            return Optional.of("bpffs unavailable: " + e.getMessage());
        }
        try (Arena a = Arena.ofConfined()) {
            MemorySegment attr = a.allocate(BpfCommand.ATTR_SIZE, 8);
            attr.set(JAVA_INT, 0, MapInfo.TYPE_ARRAY);
            attr.set(JAVA_INT, 4, 4);
            attr.set(JAVA_INT, 8, 4);
            attr.set(JAVA_INT, 12, 1);
            int fd = (int) Syscalls.bpf(Syscalls.errnoSlot(a), BpfCommand.MAP_CREATE, attr, "bpf(BPF_MAP_CREATE)");
            Syscalls.close(fd);
            return Optional.empty();
        } catch (BpfException e) {
            return Optional.of(e.getMessage() + (e.refused() ? ": needs root or CAP_BPF+CAP_NET_ADMIN" : ""));
        }
    }

    public Path root() {
        return root;
    }

    public BpfIpcacheMap ipcache() {
        return ipcache;
    }

    public BpfMap conntrack() {
        return conntrack;
    }

    /** The node-wide auth map (expiries against the system clock). */
    public BpfAuthMap auth() {
        return auth;
    }

    public void configure(DatapathConfig cfg) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment k = a.allocate(4, 4);
            MemorySegment v = a.allocate(Layouts.CONFIG_SIZE, 8);
            Layouts.writeConfig(v, cfg.tcpLifetime().toNanos(), cfg.otherLifetime().toNanos(), cfg.flags(),
                    (int) Math.min(Integer.MAX_VALUE, cfg.tcpClosingLifetime().toMillis()));
            config.update(k, v);
        }
    }

    /** Packets per reason, summed over possible CPUs. */
    public Map<Reason, Long> packetCounts() {
        Map<Reason, Long> out = new java.util.EnumMap<>(Reason.class);
        try (Arena a = Arena.ofConfined()) {
            MemorySegment k = a.allocate(4, 4);
            MemorySegment v = a.allocate(counters.valueBufferSize(), 8);
            for (Reason r : Reason.values()) {
                k.set(JAVA_INT, 0, r.code());
                long sum = 0;
                if (counters.lookup(k, v)) {
                    for (int cpu = 0; cpu < Cpus.possible(); cpu++) {
                        sum += v.get(Layouts.HOST_LONG, (long) cpu * Layouts.COUNTER_SIZE);
                    }
                }
                out.put(r, sum);
            }
        }
        return out;
    }

    /** A new consumer of the flow-event ring buffer (one consumer at a time makes sense). */
    public RingBuffer events() {
        return new RingBuffer(BpfMap.openPinned(root.resolve("events")));
    }

    /** The endpoints that have pins under this root (attached now or by an earlier agent run). */
    public TreeSet<String> pinnedEndpoints() {
        try (Stream<Path> s = Files.list(root.resolve("endpoints"))) {
            TreeSet<String> out = new TreeSet<>();
            s.forEach(p -> out.add(p.getFileName().toString()));
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Loads the programs for endpoint {@code id} with its pinned policy map (created empty = deny all if
     * new, reused as is otherwise: no wipe) without attaching them: for BPF_PROG_TEST_RUN.
     */
    public Endpoint load(String id) {
        requireId(id);
        Endpoint old = loaded.remove(id);
        if (old != null) {
            old.close();
        }
        Path dir = root.resolve("endpoints").resolve(id);
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("creating " + dir, e);
        }
        Map<String, Path> pins = new HashMap<>();
        for (String m : SHARED) {
            pins.put(m, root.resolve(m));
        }
        pins.put("policy", dir.resolve("policy"));
        pins.put("endpoint", dir.resolve("endpoint"));
        Libbpf.LoadedObject obj = Libbpf.load(object, pins);
        try {
            BpfMap info = BpfMap.openPinned(dir.resolve("endpoint"));
            try {
                info.info().require(MapInfo.TYPE_ARRAY, 4, Layouts.ENDPOINT_INFO_SIZE);
            } catch (RuntimeException e) {
                info.close();
                throw e;
            }
            Endpoint ep = new Endpoint(id, obj, new BpfPolicyMap(id, BpfMap.openPinned(dir.resolve("policy"))), info);
            loaded.put(id, ep);
            return ep;
        } catch (RuntimeException e) {
            obj.close();
            throw e;
        }
    }

    /**
     * Loads endpoint {@code id} as {@link #load} does and attaches both directions to {@code ifindex}
     * (an existing pinned link is updated in place). Run inside the interface's network namespace.
     */
    public Endpoint attach(String id, int ifindex) {
        Endpoint ep = load(id);
        Path dir = root.resolve("endpoints").resolve(id);
        attachDirection(ep.programs.programFd("from_endpoint"), ifindex, true, dir.resolve("link-ingress"));
        attachDirection(ep.programs.programFd("to_endpoint"), ifindex, false, dir.resolve("link-egress"));
        return ep;
    }

    private void attachDirection(int prog, int ifindex, boolean ingress, Path pin) {
        if (mode != AttachMode.TC) {
            try {
                Links.attachTcx(prog, ifindex, ingress, pin);
                mode = AttachMode.TCX;
                return;
            } catch (BpfException e) {
                if (mode == AttachMode.TCX || e.errno() != BpfException.EINVAL) {
                    throw e;
                }
                mode = AttachMode.TC; // kernel without tcx
            }
        }
        Libbpf.tcAttach(ifindex, ingress, prog);
    }

    public AttachMode attachMode() {
        return mode;
    }

    /**
     * Fixes how programs are attached instead of probing (tcx first, tc on EINVAL): TC for kernels
     * before 6.6 or when another tc user owns the interface, TCX to fail loudly without it.
     */
    public void useAttachMode(AttachMode forced) {
        this.mode = forced;
    }

    /** Detaches endpoint {@code id} and removes its pins (its policy map is gone afterwards). */
    public void detach(String id, int ifindex) {
        removePins(id);
        if (mode == AttachMode.TC) {
            Libbpf.tcDetachAll(ifindex);
        }
    }

    /**
     * Removes the pins of endpoint {@code id} (links detached first) without touching any interface: for an
     * endpoint whose interface or namespace is gone, whose tc filters went with it. Runs in any namespace
     * (a pinned link is found by its pin, not by ifindex); a link whose interface is gone detaches as a no-op.
     */
    public void removePins(String id) {
        requireId(id);
        Endpoint ep = loaded.remove(id);
        if (ep != null) {
            ep.close();
        }
        Path dir = root.resolve("endpoints").resolve(id);
        Links.detach(dir.resolve("link-ingress"));
        Links.detach(dir.resolve("link-egress"));
        try {
            Files.deleteIfExists(dir.resolve("policy"));
            Files.deleteIfExists(dir.resolve("endpoint"));
            Files.deleteIfExists(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("removing pins of endpoint " + id, e);
        }
    }

    /** Removes every pin under the root (shared maps included): the datapath is gone afterwards. */
    public static void destroy(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("removing pin root " + root, e);
        }
    }

    private static void requireId(String id) {
        if (!ENDPOINT_ID.matcher(id).matches()) {
            throw new IllegalArgumentException("endpoint id \"" + id + "\": expected 1-64 of [A-Za-z0-9_.-]");
        }
    }

    private static Path extractObject() {
        try (InputStream in = KernelDatapath.class.getResourceAsStream(OBJECT_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("eBPF object " + OBJECT_RESOURCE + " missing from the jar (built without clang?)");
            }
            Path tmp = Files.createTempFile("bulwark-", ".bpf.o");
            tmp.toFile().deleteOnExit();
            Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
            return tmp;
        } catch (IOException e) {
            throw new UncheckedIOException("extracting the eBPF object", e);
        }
    }

    /** Closes this process's handles; pinned maps and links stay (enforcement continues). */
    @Override
    public void close() {
        loaded.values().forEach(Endpoint::close);
        loaded.clear();
        ipcache.close();
        config.close();
        counters.close();
        conntrack.close();
        auth.close();
    }

    /** An attached endpoint: its policy map, its identity and (while open) its loaded programs. */
    public static final class Endpoint implements AutoCloseable {
        private final String id;
        private final Libbpf.LoadedObject programs;
        private final BpfPolicyMap policy;
        private final BpfMap info;

        Endpoint(String id, Libbpf.LoadedObject programs, BpfPolicyMap policy, BpfMap info) {
            this.id = id;
            this.programs = programs;
            this.policy = policy;
            this.info = info;
        }

        /** Sets the endpoint's own identity: the local side of its auth map lookups (0 = unknown). */
        public void setIdentity(int identity) {
            try (Arena a = Arena.ofConfined()) {
                MemorySegment k = a.allocate(4, 4);
                MemorySegment v = a.allocate(Layouts.ENDPOINT_INFO_SIZE, 4);
                Layouts.writeEndpointInfo(v, 0, identity);
                info.update(k, v);
            }
        }

        public int identity() {
            try (Arena a = Arena.ofConfined()) {
                MemorySegment k = a.allocate(4, 4);
                MemorySegment v = a.allocate(Layouts.ENDPOINT_INFO_SIZE, 4);
                return info.lookup(k, v) ? Layouts.readEndpointInfo(v, 0) : 0;
            }
        }

        public String id() {
            return id;
        }

        public BpfPolicyMap policy() {
            return policy;
        }

        /** Runs the real program of {@code direction} once on {@code frame} (BPF_PROG_TEST_RUN). */
        public ProgramTestRun.Result testRun(Direction direction, byte[] frame) {
            return ProgramTestRun.run(programs.programFd(direction == Direction.EGRESS ? "from_endpoint" : "to_endpoint"), frame);
        }

        @Override
        public void close() {
            programs.close();
            policy.close();
            info.close();
        }
    }
}
