package dev.bulwark.cli.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bulwark.identity.server.IdentityAllocatorConfig.RaftSettings;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class ElectionTimeoutOptionTest {

    @Test
    void theOptionsDefaultIsTheStoresDefault() {
        String declared = new CommandLine(new AllocatorCommand.Start()).getCommandSpec()
                .findOption("--election-timeout").defaultValue();
        assertEquals(RaftSettings.DEFAULT, AllocatorCommand.raftSettings(declared));
    }

    @Test
    void aRangeSetsOnlyTheElectionTimeout() {
        RaftSettings s = AllocatorCommand.raftSettings("150ms..1s");
        assertEquals(Duration.ofMillis(150), s.electionTimeoutMin());
        assertEquals(Duration.ofSeconds(1), s.electionTimeoutMax());
        assertEquals(RaftSettings.DEFAULT.withElectionTimeout(Duration.ofMillis(150), Duration.ofSeconds(1)), s);
        assertEquals(RaftSettings.DEFAULT.snapshotThreshold(), s.snapshotThreshold());
    }

    @Test
    void theLeaderExitWatchIsOnUnlessTurnedOff() {
        AllocatorCommand.Start on = new AllocatorCommand.Start();
        new CommandLine(on).parseArgs("--id", "n1", "--peers", "n1=127.0.0.1:7000", "--data", "d", "--cluster-id", "1");
        assertTrue(on.raft().standOnLeaderExit());
        AllocatorCommand.Start off = new AllocatorCommand.Start();
        new CommandLine(off).parseArgs("--id", "n1", "--peers", "n1=127.0.0.1:7000", "--data", "d", "--cluster-id", "1",
                "--no-leader-exit-watch", "--election-timeout", "1s..2s");
        assertEquals(RaftSettings.DEFAULT.withElectionTimeout(Duration.ofSeconds(1), Duration.ofSeconds(2))
                .withStandOnLeaderExit(false), off.raft());
    }

    @Test
    void badRangesNameTheOptionAndWhatIsWrong() {
        assertMessage("150ms", "expected MIN..MAX");
        assertMessage("150ms..", "is not a duration");
        assertMessage("fast..300ms", "is not a duration");
        assertMessage("300ms..150ms", "must exceed electionTimeoutMin");
        assertMessage("10ms..300ms", "must be at least 50ms");
    }

    private static void assertMessage(String range, String part) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> AllocatorCommand.raftSettings(range));
        assertTrue(e.getMessage().startsWith("--election-timeout \"" + range + "\": "), e.getMessage());
        assertTrue(e.getMessage().contains(part), e.getMessage());
    }
}
