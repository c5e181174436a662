package dev.bulwark.agent.datapath.bpf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bulwark.agent.datapath.DatapathConfig;
import dev.bulwark.agent.datapath.FlowEvent;
import dev.bulwark.agent.datapath.FlowTuple;
import dev.bulwark.agent.datapath.Reason;
import dev.bulwark.agent.netns.PodNetwork;
import dev.bulwark.agent.netns.PortServers;
import dev.bulwark.agent.netns.Probe;
import dev.bulwark.model.Cidr;
import dev.bulwark.model.policy.Direction;
import dev.bulwark.model.policy.MapState;
import dev.bulwark.model.policy.PolicyEntry;
import dev.bulwark.model.policy.PolicyKey;
import dev.bulwark.model.policy.Protocols;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Real TCP and UDP between two pod namespaces over veth pairs through a private node namespace, with the
 * programs attached by tcx on both host-side interfaces. Pod a (identity 1001) may send anything; pod b
 * (identity 1002) accepts a's TCP/80 and UDP/53 and may send nothing new: its replies pass by conntrack.
 */
@org.junit.jupiter.api.Timeout(value = 180, unit = java.util.concurrent.TimeUnit.SECONDS) // never hang CI
class TrafficPrivilegedIT {

    private static final Duration WAIT = Duration.ofMillis(700);
    private static final String A = "10.244.1.1";
    private static final String B = "10.244.1.2";
    private static Path root;
    private static KernelDatapath datapath;
    private static PodNetwork net;
    private static PortServers servers;

    static final MapState POLICY_A = MapState.builder().put(PolicyKey.l3(0, Direction.EGRESS), PolicyEntry.ALLOW).build();
    static final MapState POLICY_B = MapState.builder()
            .put(PolicyKey.l4(1001, Direction.INGRESS, Protocols.TCP, 80), PolicyEntry.ALLOW)
            .put(PolicyKey.l4(1001, Direction.INGRESS, Protocols.UDP, 53), PolicyEntry.ALLOW).build();

    @BeforeAll
    static void setUp() {
        Privileged.assumeKernelDatapath();
        root = Privileged.pinRoot("traffic");
        KernelDatapath.destroy(root);
        net = PodNetwork.create("bwt" + ProcessHandle.current().pid() % 100_000);
        PodNetwork.Pod a = net.addPod("a", A);
        PodNetwork.Pod b = net.addPod("b", B);
        servers = new PortServers();
        for (int port : new int[] {80, 81}) {
            servers.tcp(b.namespace(), B, port);
            servers.tcp(a.namespace(), A, port);
        }
        servers.udp(b.namespace(), B, 53);
        servers.udp(b.namespace(), B, 54);
        datapath = KernelDatapath.open(root, DatapathConfig.DEFAULT);
        datapath.ipcache().reconcile(Map.of(Cidr.parse(A + "/32"), 1001, Cidr.parse(B + "/32"), 1002));
        attach();
    }

    private static void attach() {
        net.node().call(() -> {
            datapath.attach("a", net.pod("a").hostIfindex());
            datapath.attach("b", net.pod("b").hostIfindex());
            return null;
        });
    }

    @BeforeEach
    void policies() {
        datapath.configure(DatapathConfig.DEFAULT);
        datapath.load("a").policy().reconcile(POLICY_A);
        datapath.load("b").policy().reconcile(POLICY_B);
    }

    @AfterAll
    static void tearDown() {
        if (servers != null) {
            servers.close();
        }
        if (net != null) {
            net.close();
        }
        if (datapath != null) {
            datapath.close();
            KernelDatapath.destroy(root);
        }
    }

    private static Probe tcp(String from, String fromIp, String toIp, int port) {
        return Probe.tcp(net.pod(from).namespace(), fromIp, toIp, port, WAIT);
    }

    private static Probe udp(String from, String fromIp, String toIp, int port) {
        return Probe.udp(net.pod(from).namespace(), fromIp, toIp, port, WAIT);
    }

    @Test
    void realTcpAndUdpGetPolicyVerdictsAndRepliesPassByConntrack() {
        try (RingBuffer events = datapath.events()) {
            events.drain(e -> { });
            Map<Reason, Long> before = datapath.packetCounts();
            Probe ok = tcp("a", A, B, 80);
            Probe blocked = tcp("a", A, B, 81);
            Probe udpOk = udp("a", A, B, 53);
            Probe udpBlocked = udp("a", A, B, 54);
            Probe reverse = tcp("b", B, A, 80);
            assertTrue(ok.connected(), "a -> b:80/TCP is allowed by b's ingress: " + ok);
            assertFalse(blocked.connected(), "a -> b:81/TCP has no allow: " + blocked);
            assertTrue(udpOk.connected(), "a -> b:53/UDP is allowed and the echo is a reply: " + udpOk);
            assertFalse(udpBlocked.connected(), "a -> b:54/UDP has no allow: " + udpBlocked);
            assertFalse(reverse.connected(), "b may not open connections (empty egress policy): " + reverse);

            List<FlowEvent> seen = new ArrayList<>();
            events.drain(seen::add);
            int a = FlowTuple.ipv4(A);
            int b = FlowTuple.ipv4(B);
            assertTrue(seen.stream().anyMatch(e -> e.allowed() && e.reason() == Reason.ALLOWED_NEW && e.saddr() == a
                    && e.daddr() == b && e.dport() == 80 && e.sport() == ok.sourcePort() && e.direction() == Direction.INGRESS
                    && e.remoteIdentity() == 1001), "allowed event for a -> b:80 in " + seen);
            assertTrue(seen.stream().anyMatch(e -> !e.allowed() && e.reason() == Reason.NO_MATCH && e.dport() == 81
                    && e.sport() == blocked.sourcePort() && e.remoteIdentity() == 1001), "drop event for a -> b:81 in " + seen);
            assertTrue(seen.stream().anyMatch(e -> !e.allowed() && e.direction() == Direction.EGRESS && e.saddr() == b
                    && e.dport() == 80 && e.remoteIdentity() == 1001), "b's egress drop in " + seen);
            Map<Reason, Long> after = datapath.packetCounts();
            assertTrue(after.get(Reason.ALLOWED_REPLY) > before.get(Reason.ALLOWED_REPLY), "replies passed by conntrack");
            assertTrue(after.get(Reason.ALLOWED_ESTABLISHED) > before.get(Reason.ALLOWED_ESTABLISHED), "ACKs after the SYN");
        }
    }

    @Test
    void expiredConntrackEntriesNoLongerPassReplies() {
        datapath.configure(DatapathConfig.DEFAULT.withLifetimes(Duration.ofHours(1), Duration.ofNanos(1)));
        Probe expired = udp("a", A, B, 53);
        assertFalse(expired.connected(), "the echo is judged as a new flow from b and b may not send: " + expired);
        datapath.configure(DatapathConfig.DEFAULT);
        assertTrue(udp("a", A, B, 53).connected());
    }

    @Test
    void policyChangesApplyLiveAndRestartKeepsEnforcementWithoutWipe() {
        assertFalse(tcp("a", A, B, 81).connected());
        MapState before = datapath.load("b").policy().read();
        datapath.close(); // the agent goes away: pins keep enforcing
        assertTrue(tcp("a", A, B, 80).connected(), "still allowed with no agent");
        assertFalse(tcp("a", A, B, 81).connected(), "still denied with no agent");

        datapath = KernelDatapath.open(root, DatapathConfig.DEFAULT);
        assertEquals(java.util.Set.of("a", "b"), datapath.pinnedEndpoints());
        KernelDatapath.Endpoint b = datapath.load("b");
        assertEquals(before, b.policy().read(), "the restarted agent finds the same entries");
        assertEquals(0, b.policy().reconcile(POLICY_B).size(), "nothing to do: no wipe, no rewrite");
        attach(); // replaces the programs in the pinned links
        MapState with81 = MapState.builder().put(PolicyKey.l4(1001, Direction.INGRESS, Protocols.TCP, 80), PolicyEntry.ALLOW)
                .put(PolicyKey.l4(1001, Direction.INGRESS, Protocols.UDP, 53), PolicyEntry.ALLOW)
                .put(PolicyKey.l4(1001, Direction.INGRESS, Protocols.TCP, 81), PolicyEntry.ALLOW).build();
        assertEquals(1, datapath.load("b").policy().reconcile(with81).size());
        assertTrue(tcp("a", A, B, 81).connected(), "81 allowed after the one-entry delta");
        assertTrue(tcp("a", A, B, 80).connected());
    }
}
