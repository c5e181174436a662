package dev.bulwark.mesh.federation;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.bulwark.mesh.bundle.TrustBundle;
import dev.bulwark.mesh.spiffe.TrustDomain;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PollIntervalTest {

    static Optional<TrustBundle> hinted(Duration hint) {
        return Optional.of(new TrustBundle(TrustDomain.parse("b.example"), 3, List.of(), hint));
    }

    @Test
    void pollsAtTheRefreshHint() {
        assertEquals(Duration.ofSeconds(300), FederatedBundles.pollInterval(hinted(Duration.ofSeconds(300)), Duration.ofSeconds(10)));
    }

    @Test
    void pollsEveryFiveMinutesWithoutAHintOrABundle() {
        assertEquals(Duration.ofMinutes(5), FederatedBundles.pollInterval(hinted(Duration.ZERO), Duration.ofSeconds(10)));
        assertEquals(Duration.ofMinutes(5), FederatedBundles.pollInterval(Optional.empty(), Duration.ofSeconds(10)));
    }

    @Test
    void neverPollsMoreOftenThanTheFloor() {
        assertEquals(Duration.ofSeconds(30), FederatedBundles.pollInterval(hinted(Duration.ofSeconds(1)), Duration.ofSeconds(30)));
    }
}
