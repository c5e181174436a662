package dev.bulwark.policy.distribution.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bulwark.policy.distribution.cluster.ClusterConfig;
import dev.bulwark.policy.distribution.stream.Backoff;
import dev.bulwark.policy.distribution.stream.StreamConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

class DistributorConfigTest {

    private static DistributorConfig config(String id, int port, String identity) {
        return new DistributorConfig(id, "127.0.0.1", port, new DistributorConfig.Directory(Path.of(".")), identity, 16,
                Duration.ofSeconds(60), Duration.ofMillis(20), Optional.empty());
    }

    @Test
    void invalidSettingsAreRejectedNamingTheSetting() {
        config("d1", 7443, "127.0.0.1:7450,127.0.0.1:7452");
        assertNames("replicaId", () -> config("D_1", 7443, "127.0.0.1:7450"));
        assertNames("listenPort", () -> config("d1", 70_000, "127.0.0.1:7450"));
        assertNames("identityTarget", () -> config("d1", 7443, "127.0.0.1"));
        assertNames("historyRevisions", () -> new StreamConfig(0, Duration.ofSeconds(1), "r"));
        assertNames("maxConcurrentFullStates", () -> new StreamConfig(8, Duration.ofSeconds(1), "r", 0));
        assertNames("nackRetry", () -> new StreamConfig(8, Duration.ofSeconds(1), "r", 4, null));
        assertNames("first", () -> new Backoff(Duration.ZERO, Duration.ofSeconds(1)));
        assertNames("max", () -> new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(1)));
        Backoff b = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(3));
        assertEquals(Duration.ofSeconds(2), b.after(b.first()));
        assertEquals(Duration.ofSeconds(3), b.after(Duration.ofSeconds(2)), "capped");
        assertNames("members", () -> new ClusterConfig("a", "x:1", "127.0.0.1", 5701, List.of("127.0.0.1:5701-5720"),
                Duration.ofSeconds(1)));
    }

    private static void assertNames(String setting, Executable e) {
        var ex = assertThrows(IllegalArgumentException.class, e);
        assertTrue(ex.getMessage().startsWith(setting + ":"), ex.getMessage());
    }
}
