package dev.bulwark.identity.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.ratis.retry.RetryPolicy;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.junit.jupiter.api.Test;

/** The leader's retry wait towards a failed follower: short enough to reach a restarted one soon, never a spin. */
class AppenderRetryPolicyTest {

    @Test
    void aFailedFollowerIsRetriedWithinAboutAQuarterSecondForGoodAndNeverWithoutAPause() {
        RetryPolicy policy = RetryPolicy.parse(RaftSetup.APPENDER_RETRY_POLICY);
        for (int errors : List.of(1, 10, 11, 110, 111, 1_030, 1_031, 100_000, 10_000_000)) {
            long ms = policy.handleAttemptFailure(() -> errors).getSleepTime().toLong(TimeUnit.MILLISECONDS);
            long microseconds = policy.handleAttemptFailure(() -> errors).getSleepTime().toLong(TimeUnit.MICROSECONDS);
            assertTrue(microseconds > 0, errors + " errors: no pause (Ratis's default spins after 1,030)");
            assertTrue(ms <= 375, errors + " errors: " + ms + " ms (Ratis's default waits up to 7.5 s)");
        }
    }

    @Test
    void replicasUseIt() {
        IdentityAllocatorConfig config = IdentityAllocatorConfig.of("n1",
                List.of(Peer.parse("n1=127.0.0.1:7100")), Path.of("unused"), 1);
        assertEquals(RaftSetup.APPENDER_RETRY_POLICY,
                RaftServerConfigKeys.Log.Appender.retryPolicy(RaftSetup.serverProperties(config)));
    }
}
