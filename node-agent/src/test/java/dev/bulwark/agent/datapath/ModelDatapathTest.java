package dev.bulwark.agent.datapath;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.bulwark.agent.policy.MapDiff;
import dev.bulwark.model.Cidr;
import dev.bulwark.model.policy.Direction;
import dev.bulwark.model.policy.MapState;
import dev.bulwark.model.policy.PolicyEntry;
import dev.bulwark.model.policy.PolicyKey;
import dev.bulwark.model.policy.Protocols;
import dev.bulwark.testkit.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The model datapath: the C program's steps (conntrack, ipcache, lookup, reasons, events) in Java. */
class ModelDatapathTest {

    private static final int POD = FlowTuple.ipv4("10.244.1.1");
    private static final int PEER = FlowTuple.ipv4("10.244.2.7");
    private final ManualClock clock = new ManualClock(Instant.parse("2026-01-01T00:00:00Z"));
    private final List<FlowEvent> events = new ArrayList<>();
    private ModelDatapath dp;

    @BeforeEach
    void setUp() {
        dp = new ModelDatapath(DatapathConfig.DEFAULT, clock, events::add);
        dp.ipcache().apply(MapDiff.ipcache(Map.of(), Map.of(Cidr.parse("10.244.2.0/24"), 200, Cidr.parse("10.244.2.7/32"), 201)));
        dp.endpoint(3).apply(MapDiff.between(MapState.EMPTY, MapState.builder()
                .put(PolicyKey.l4(201, Direction.INGRESS, Protocols.TCP, 80), PolicyEntry.ALLOW)
                .put(PolicyKey.l4(0, Direction.INGRESS, Protocols.TCP, 81), PolicyEntry.DENY)
                .put(PolicyKey.l4(201, Direction.INGRESS, Protocols.TCP, 82), new PolicyEntry(false, 0, true, ""))
                .build()));
    }

    @Test
    void newFlowsAreJudgedRepliesAndFollowUpsPassByConntrack() {
        FlowTuple syn = new FlowTuple(PEER, POD, Protocols.TCP, 40_000, 80);
        assertEquals(Reason.ALLOWED_NEW, dp.process(3, Direction.INGRESS, syn));
        assertEquals(Reason.ALLOWED_ESTABLISHED, dp.process(3, Direction.INGRESS, syn));
        assertEquals(Reason.ALLOWED_REPLY, dp.process(3, Direction.EGRESS, syn.reversed()));
        assertEquals(Reason.NO_MATCH, dp.process(3, Direction.EGRESS, new FlowTuple(POD, PEER, Protocols.TCP, 5555, 80)),
                "a new flow out of the endpoint is judged by its (empty) egress policy");
        assertEquals(Reason.DENIED_BY_POLICY, dp.process(3, Direction.INGRESS, new FlowTuple(PEER, POD, Protocols.TCP, 40_001, 81)));
        assertEquals(Reason.AUTH_REQUIRED, dp.process(3, Direction.INGRESS, new FlowTuple(PEER, POD, Protocols.TCP, 40_002, 82)));
        assertEquals(3, events.stream().filter(e -> !e.allowed()).count(), "drop events for 5555, 81 and 82");
        assertEquals(201, events.getFirst().remoteIdentity(), "the /32 wins over the /24");
    }

    @Test
    void conntrackEntriesExpireAfterTheirIdleLifetime() {
        dp.configure(DatapathConfig.DEFAULT.withLifetimes(Duration.ofSeconds(10), Duration.ofSeconds(10)));
        FlowTuple syn = new FlowTuple(PEER, POD, Protocols.TCP, 40_000, 80);
        dp.process(3, Direction.INGRESS, syn);
        clock.advance(Duration.ofSeconds(9));
        assertEquals(Reason.ALLOWED_REPLY, dp.process(3, Direction.EGRESS, syn.reversed()));
        clock.advance(Duration.ofSeconds(11));
        assertEquals(Reason.NO_MATCH, dp.process(3, Direction.EGRESS, syn.reversed()));
    }

    @Test
    void aFinOrRstSwitchesTheEntryToTheShortClosingLifetime() {
        dp.configure(DatapathConfig.DEFAULT.withClosingLifetime(Duration.ofSeconds(2)));
        FlowTuple syn = new FlowTuple(PEER, POD, Protocols.TCP, 40_000, 80);
        dp.process(3, Direction.INGRESS, syn);
        clock.advance(Duration.ofSeconds(30));
        assertEquals(Reason.ALLOWED_REPLY, dp.process(3, Direction.EGRESS, syn.reversed(), ModelDatapath.TCP_FIN | ModelDatapath.TCP_ACK),
                "still open after 30 s idle (6 h lifetime); the FIN marks it closing");
        clock.advance(Duration.ofSeconds(1));
        assertEquals(Reason.ALLOWED_ESTABLISHED, dp.process(3, Direction.INGRESS, syn, ModelDatapath.TCP_ACK));
        clock.advance(Duration.ofSeconds(3));
        assertEquals(Reason.NO_MATCH, dp.process(3, Direction.EGRESS, syn.reversed(), ModelDatapath.TCP_ACK),
                "closed: a late reply is judged as a new flow out of the endpoint");
    }

    @Test
    void passThroughConfigurationLetsAuthAndRedirectFlowsThrough() {
        dp.configure(DatapathConfig.DEFAULT.withPassThrough(true, true));
        assertEquals(Reason.ALLOWED_NEW, dp.process(3, Direction.INGRESS, new FlowTuple(PEER, POD, Protocols.TCP, 40_002, 82)));
    }

    @Test
    void capacityIsEnforcedAllOrNothing() {
        InMemoryPolicyMap small = new InMemoryPolicyMap("tiny", 1);
        MapState two = MapState.builder().put(PolicyKey.l3(1, Direction.INGRESS), PolicyEntry.ALLOW)
                .put(PolicyKey.l3(2, Direction.INGRESS), PolicyEntry.ALLOW).build();
        DatapathException e = assertThrows(DatapathException.class, () -> small.reconcile(two));
        assertEquals(8, e.rpcCode());
        assertEquals(MapState.EMPTY, small.read(), "nothing applied");
    }

    @Test
    void unknownPeersAreWorld() {
        FlowTuple t = new FlowTuple(FlowTuple.ipv4("8.8.8.8"), POD, Protocols.UDP, 53, 9999);
        dp.process(3, Direction.INGRESS, t);
        assertEquals(2, events.getLast().remoteIdentity());
    }

    @Test
    void authRequiredAllowPassesOnlyWhileALiveEntryHoldsTheEndpointAndPeerIdentities() {
        FlowTuple t1 = new FlowTuple(PEER, POD, Protocols.TCP, 41_000, 82);
        dp.auth().put(AuthKey.spiffe(77, 201), clock.instant().plusSeconds(60));
        assertEquals(Reason.AUTH_REQUIRED, dp.process(3, Direction.INGRESS, t1), "the endpoint's identity is not known yet");

        dp.setEndpointIdentity(3, 78);
        assertEquals(Reason.AUTH_REQUIRED, dp.process(3, Direction.INGRESS, t1), "an entry for another local identity");

        dp.setEndpointIdentity(3, 77);
        assertEquals(Reason.ALLOWED_NEW, dp.process(3, Direction.INGRESS, t1));
        assertEquals(Reason.NO_MATCH, dp.process(3, Direction.INGRESS, new FlowTuple(PEER, POD, Protocols.TCP, 41_001, 83)),
                "auth never turns a non-allow into an allow");

        clock.advance(Duration.ofSeconds(60));
        assertEquals(Reason.AUTH_REQUIRED, dp.process(3, Direction.INGRESS, new FlowTuple(PEER, POD, Protocols.TCP, 41_002, 82)),
                "an entry is dead at its expiry");
        assertEquals(Reason.ALLOWED_ESTABLISHED, dp.process(3, Direction.INGRESS, t1),
                "an established flow is not re-checked (as in Cilium)");
    }
}
