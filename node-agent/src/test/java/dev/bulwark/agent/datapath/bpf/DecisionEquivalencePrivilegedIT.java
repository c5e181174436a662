package dev.bulwark.agent.datapath.bpf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.bulwark.agent.datapath.DatapathConfig;
import dev.bulwark.agent.datapath.FlowTuple;
import dev.bulwark.agent.datapath.Frames;
import dev.bulwark.agent.datapath.ModelDatapath;
import dev.bulwark.agent.datapath.Reason;
import dev.bulwark.agent.policy.MapDiff;
import dev.bulwark.model.Cidr;
import dev.bulwark.model.policy.Direction;
import dev.bulwark.model.policy.MapState;
import dev.bulwark.model.policy.PolicyEntry;
import dev.bulwark.model.policy.PolicyKey;
import dev.bulwark.model.policy.PolicyLookup;
import dev.bulwark.model.policy.PortPrefix;
import dev.bulwark.testkit.Seeds;
import java.nio.file.Path;
import java.time.Instant;
import java.time.InstantSource;
import java.util.HashMap;
import java.util.Map;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The kernel program decides exactly as {@link PolicyLookup#decide} (and the model datapath) on many
 * generated map states: each state is reconciled into the real pinned LPM trie (exercising the diff),
 * then crafted packets run through the real program with BPF_PROG_TEST_RUN.
 */
@org.junit.jupiter.api.Timeout(value = 180, unit = java.util.concurrent.TimeUnit.SECONDS) // never hang CI
class DecisionEquivalencePrivilegedIT {

    private static final int[] IDENTITIES = {100, 101, 102, 103, 16_777_217};
    private static final int[] PROTOCOLS = {6, 17, 132};
    private Path root;
    private KernelDatapath datapath;

    @BeforeEach
    void open() {
        Privileged.assumeKernelDatapath();
        root = Privileged.pinRoot("equiv");
        KernelDatapath.destroy(root);
        datapath = KernelDatapath.open(root, DatapathConfig.DEFAULT.withPassThrough(false, false));
        Map<Cidr, Integer> ipcache = new HashMap<>();
        for (int i = 0; i < IDENTITIES.length; i++) {
            ipcache.put(Cidr.parse("10.1." + i + ".0/24"), IDENTITIES[i]);
        }
        datapath.ipcache().reconcile(ipcache);
    }

    @AfterEach
    void close() {
        if (datapath != null) {
            datapath.close();
            KernelDatapath.destroy(root);
        }
    }

    @Test
    void kernelDecidesAsPolicyLookupOnGeneratedMapStates() throws Exception {
        Seeds.run("kernel vs PolicyLookup", rnd -> {
            KernelDatapath.Endpoint ep = datapath.load("ep1");
            int sport = 1024;
            int checked = 0;
            Map<Reason, Integer> seen = new HashMap<>();
            for (int round = 0; round < 150; round++) {
                MapState state = randomState(rnd);
                MapDiff<PolicyKey, PolicyEntry> diff = ep.policy().reconcile(state);
                assertEquals(MapDiff.between(ep.policy().read(), state).size(), 0, "after applying " + diff);
                DatapathConfig cfg = DatapathConfig.DEFAULT.withPassThrough(rnd.nextBoolean(), rnd.nextBoolean());
                datapath.configure(cfg);
                ModelDatapath model = new ModelDatapath(cfg, InstantSource.fixed(Instant.EPOCH), e -> { });
                model.endpoint(1).apply(MapDiff.between(MapState.EMPTY, state));
                for (int i = 0; i < IDENTITIES.length; i++) {
                    model.ipcache().apply(MapDiff.ipcache(Map.of(), Map.of(Cidr.parse("10.1." + i + ".0/24"), IDENTITIES[i])));
                }
                for (int f = 0; f < 40; f++) {
                    int peerIndex = rnd.nextInt(IDENTITIES.length + 1); // the last one is outside the ipcache: world
                    int peer = FlowTuple.ipv4("10.1." + peerIndex + ".7");
                    int identity = peerIndex < IDENTITIES.length ? IDENTITIES[peerIndex] : 2;
                    int self = FlowTuple.ipv4("10.9.0.1");
                    Direction dir = rnd.nextBoolean() ? Direction.INGRESS : Direction.EGRESS;
                    int proto = PROTOCOLS[rnd.nextInt(PROTOCOLS.length)];
                    int port = randomPort(rnd);
                    sport = sport >= 65_000 ? 1024 : sport + 1;
                    FlowTuple t = dir == Direction.EGRESS ? new FlowTuple(self, peer, proto, sport, port)
                            : new FlowTuple(peer, self, proto, sport, port);
                    Reason expected = Reason.forNewFlow(PolicyLookup.decide(state, identity, dir, proto, port), cfg);
                    ProgramTestRun.Result r = ep.testRun(dir, Frames.ipv4(t));
                    String where = "round " + round + " " + dir + " " + t + " identity " + identity
                            + "\nstate:\n" + state;
                    assertNotNull(r.reason(), where);
                    assertEquals(expected, r.reason(), where);
                    assertEquals(expected.passes(), r.passed(), where);
                    assertEquals(expected, model.process(1, dir, t), "model: " + where);
                    seen.merge(expected, 1, Integer::sum);
                    checked++;
                }
            }
            System.out.println("kernel == PolicyLookup on " + checked + " packets; reasons " + seen);
            assertEquals(true, seen.size() >= 4, "the generator must reach most reasons: " + seen);
        });
    }

    @Test
    void nonIpv4FramesFollowTheDocumentedRules() {
        KernelDatapath.Endpoint ep = datapath.load("ep2");
        assertEquals(Reason.PASSED_NOT_IP, ep.testRun(Direction.INGRESS, Frames.arp()).reason());
        assertEquals(Reason.PASSED_NOT_IP, ep.testRun(Direction.INGRESS, Frames.ipv6(58)).reason());
        assertEquals(Reason.DROPPED_IPV6, ep.testRun(Direction.INGRESS, Frames.ipv6(6)).reason());
        FlowTuple t = new FlowTuple(FlowTuple.ipv4("10.1.0.1"), FlowTuple.ipv4("10.9.0.1"), 17, 5000, 53);
        assertEquals(Reason.DROPPED_FRAGMENT, ep.testRun(Direction.INGRESS, Frames.ipv4Fragment(t)).reason());
        assertEquals(Reason.NO_MATCH, ep.testRun(Direction.INGRESS, Frames.ipv4(t)).reason());
    }

    @Test
    void kernelIpcacheLongestPrefixMatchEqualsTheModels() throws Exception {
        Seeds.run("ipcache LPM", rnd -> {
            KernelDatapath.Endpoint ep = datapath.load("ep4");
            dev.bulwark.agent.datapath.InMemoryIpcacheMap model = new dev.bulwark.agent.datapath.InMemoryIpcacheMap();
            try (RingBuffer events = datapath.events()) {
                for (int round = 0; round < 5; round++) {
                    Map<Cidr, Integer> desired = new HashMap<>();
                    desired.put(Cidr.parse("10.0.0.0/8"), 500);
                    for (int i = 0; i < 30; i++) {
                        int b = rnd.nextInt(4);
                        int c = rnd.nextInt(4);
                        int d = rnd.nextInt(4);
                        String prefix = switch (rnd.nextInt(3)) {
                            case 0 -> "10." + b + ".0.0/16";
                            case 1 -> "10." + b + "." + c + ".0/24";
                            default -> "10." + b + "." + c + "." + d + "/32";
                        };
                        desired.put(Cidr.parse(prefix), 1000 + rnd.nextInt(50));
                    }
                    datapath.ipcache().reconcile(desired);
                    assertEquals(new java.util.TreeMap<>(desired), datapath.ipcache().read(), "kernel ipcache content");
                    model.reconcile(desired);
                    events.drain(e -> { });
                    java.util.List<Integer> expected = new java.util.ArrayList<>();
                    for (int f = 0; f < 40; f++) {
                        int src = rnd.nextInt(8) == 0 ? FlowTuple.ipv4("192.168.1.1")
                                : FlowTuple.ipv4("10." + rnd.nextInt(5) + "." + rnd.nextInt(5) + "." + rnd.nextInt(5));
                        expected.add(model.identityOf(src));
                        ep.testRun(Direction.INGRESS, Frames.ipv4(new FlowTuple(src, FlowTuple.ipv4("10.9.0.1"), 17, 2000 + f, 53)));
                    }
                    java.util.List<Integer> seen = new java.util.ArrayList<>();
                    events.drain(e -> seen.add(e.remoteIdentity()));
                    assertEquals(expected, seen, "identities the kernel resolved, in order");
                }
            }
        });
    }

    @Test
    void kernelConntrackClosesLikeTheModel() throws Exception {
        KernelDatapath.Endpoint ep = datapath.load("ep3");
        ep.policy().reconcile(MapState.builder().put(PolicyKey.l4(100, Direction.INGRESS, 6, 80), PolicyEntry.ALLOW).build());
        datapath.configure(DatapathConfig.DEFAULT.withClosingLifetime(java.time.Duration.ofMillis(30)));
        FlowTuple syn = new FlowTuple(FlowTuple.ipv4("10.1.0.7"), FlowTuple.ipv4("10.9.0.1"), 6, 33_333, 80);
        assertEquals(Reason.ALLOWED_NEW, ep.testRun(Direction.INGRESS, Frames.ipv4(syn, 0x02)).reason());
        assertEquals(Reason.ALLOWED_REPLY, ep.testRun(Direction.EGRESS, Frames.ipv4(syn.reversed(), 0x12)).reason());
        assertEquals(Reason.ALLOWED_ESTABLISHED, ep.testRun(Direction.INGRESS, Frames.ipv4(syn, 0x11)).reason(), "FIN");
        assertEquals(Reason.ALLOWED_REPLY, ep.testRun(Direction.EGRESS, Frames.ipv4(syn.reversed(), 0x11)).reason(), "FIN back");
        Thread.sleep(80);
        assertEquals(Reason.NO_MATCH, ep.testRun(Direction.EGRESS, Frames.ipv4(syn.reversed(), 0x10)).reason(),
                "after the closing lifetime the entry no longer passes replies");
        assertEquals(Reason.ALLOWED_NEW, ep.testRun(Direction.INGRESS, Frames.ipv4(syn, 0x02)).reason(), "a new SYN is judged again");
    }

    private static int randomPort(RandomGenerator rnd) {
        return switch (rnd.nextInt(4)) {
            case 0 -> 80;
            case 1 -> 8080 + rnd.nextInt(16);
            case 2 -> rnd.nextInt(65_536);
            default -> 443;
        };
    }

    /** Random keys around a few hot ports, ranges as prefixes, all entry kinds. */
    static MapState randomState(RandomGenerator rnd) {
        MapState.Builder b = MapState.builder();
        int n = rnd.nextInt(12);
        for (int i = 0; i < n; i++) {
            int identity = rnd.nextInt(3) == 0 ? 0 : IDENTITIES[rnd.nextInt(IDENTITIES.length)];
            Direction dir = rnd.nextBoolean() ? Direction.INGRESS : Direction.EGRESS;
            PolicyKey key = switch (rnd.nextInt(5)) {
                case 0 -> PolicyKey.l3(identity, dir);
                case 1 -> new PolicyKey(identity, dir, PROTOCOLS[rnd.nextInt(3)], 0, 0);
                case 2 -> {
                    var prefixes = PortPrefix.cover(8080, 8080 + 1 + rnd.nextInt(15));
                    PortPrefix p = prefixes.get(rnd.nextInt(prefixes.size()));
                    yield new PolicyKey(identity, dir, PROTOCOLS[rnd.nextInt(3)], p.port(), p.length());
                }
                default -> PolicyKey.l4(identity, dir, PROTOCOLS[rnd.nextInt(3)], rnd.nextBoolean() ? 80 : 443);
            };
            PolicyEntry entry = switch (rnd.nextInt(6)) {
                case 0, 1 -> PolicyEntry.DENY;
                case 2 -> new PolicyEntry(false, 15_001, false, "");
                case 3 -> new PolicyEntry(false, 0, true, "");
                default -> PolicyEntry.ALLOW;
            };
            b.put(key, entry);
        }
        return b.build();
    }
}
