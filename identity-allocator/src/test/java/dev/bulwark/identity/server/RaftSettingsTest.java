package dev.bulwark.identity.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.ratis.RaftConfigKeys;
import org.apache.ratis.rpc.RpcType;
import org.apache.ratis.rpc.SupportedRpcType;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.junit.jupiter.api.Test;

class RaftSettingsTest {

    private static IdentityAllocatorConfig.RaftSettings withTick(Duration tick) {
        return new IdentityAllocatorConfig.RaftSettings(Duration.ofMillis(300), Duration.ofMillis(600), 10_000, tick,
                4_096, 2, 100_000, true);
    }

    @Test
    void ticksMustStayWellInsideTheLeaseStallGap() {
        assertEquals(Duration.ofMillis(2_500), withTick(Duration.ofMillis(2_500)).tickInterval());
        // Ticks 3 s apart would look like 5 s commit stalls once one is late, renewing every lease for ever.
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> withTick(Duration.ofSeconds(3)));
        assertEquals("raft.tickInterval: must be at most half the lease stall gap (2500ms), was PT3S", e.getMessage());
    }

    @Test
    void aLeaderThatLostItsMajorityMayStandAgainAfterOneMaximumElectionTimeoutNotTenSeconds() {
        IdentityAllocatorConfig config = IdentityAllocatorConfig.of("n1",
                List.of(Peer.parse("n1=127.0.0.1:7100")), Path.of("unused"), 1);
        for (Duration min : List.of(Duration.ofMillis(150), Duration.ofMillis(300))) {
            IdentityAllocatorConfig c = new IdentityAllocatorConfig(config.id(), config.peers(), config.dataDir(),
                    config.policy(), config.filter(), config.raft().withElectionTimeout(min, min.multipliedBy(2)),
                    config.metricsPort(), config.join());
            assertEquals(min.multipliedBy(2).toMillis(), RaftServerConfigKeys.LeaderElection
                    .leaderStepDownWaitTime(RaftSetup.serverProperties(c)).toLong(TimeUnit.MILLISECONDS));
        }
    }

    @Test
    void replicasUseTheGrpcTransportWhoseLeaderSendsASnapshotWhenAFollowersPreviousEntryIsPurged() {
        IdentityAllocatorConfig config = IdentityAllocatorConfig.of("n1",
                List.of(Peer.parse("n1=127.0.0.1:7100")), Path.of("unused"), 1);
        RpcType type = RaftConfigKeys.Rpc.type(RaftSetup.serverProperties(config), s -> { });
        assertEquals(GrpcWithSnapshotFallback.class, type.getClass());
        assertEquals(SupportedRpcType.GRPC, type.newFactory(null).getRpcType());
    }

    @Test
    void newLogSegmentsAreNotFilledWithFourMegabytesOfZerosBeforeTheirFirstEntry() {
        IdentityAllocatorConfig config = IdentityAllocatorConfig.of("n1",
                List.of(Peer.parse("n1=127.0.0.1:7100")), Path.of("unused"), 1);
        long preallocated = RaftServerConfigKeys.Log.preallocatedSize(RaftSetup.serverProperties(config)).getSize();
        assertEquals(128 * 1024, preallocated);
    }
}
