package dev.bulwark.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.bulwark.identity.raft.LogEntry;
import dev.bulwark.identity.raft.LogEntryCodec;
import dev.bulwark.identity.raft.TableSnapshotFormat;
import dev.bulwark.model.LabelSet;
import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CodecTest {

    @TempDir
    Path dir;

    @Test
    void logEntryRoundTrips() {
        LogEntry e = new LogEntry(123, -7, List.of(
                new IdentityCommand.Allocate("n1", List.of(LabelSet.parse(List.of("app=web", "io.kubernetes.pod.namespace=x")))),
                new IdentityCommand.Release("n1", List.of(65536, 65537)),
                new IdentityCommand.KeepAlive("n2"),
                new IdentityCommand.Tick()));
        assertEquals(e, LogEntryCodec.decode(new ByteArrayInputStream(LogEntryCodec.encode(e))));
    }

    @Test
    void snapshotRoundTripsTheWholeTable() throws Exception {
        IdentityAllocator a = new IdentityAllocator(AllocationPolicy.defaults(1));
        IdentityTable t = a.apply(IdentityTable.empty(), new IdentityCommand.Allocate("n1",
                List.of(LabelSet.parse(List.of("app=a")), LabelSet.parse(List.of("app=b")))), 1000).table();
        t = a.apply(t, new IdentityCommand.Release("n1", List.of(65536)), 2000).table();
        t = a.apply(t, 7, List.of(new IdentityCommand.Tick()), 2000 + 300_000).table();
        Path file = dir.resolve("snap");
        TableSnapshotFormat.write(t, file);
        IdentityTable back = TableSnapshotFormat.read(file);
        assertEquals(t.all(), back.all());
        assertEquals(t.leases(), back.leases());
        assertEquals(t.revision(), back.revision());
        assertEquals(t.timeMs(), back.timeMs());
        assertEquals(7, back.term());
        assertEquals(t.nextCandidate(), back.nextCandidate());
        assertEquals(t.quarantineEndsMs(65536), back.quarantineEndsMs(65536));
        // The restored table must evolve exactly as the original.
        IdentityCommand next = new IdentityCommand.Allocate("n3", List.of(LabelSet.parse(List.of("app=c"))));
        assertEquals(a.apply(t, next, 400_000).table().all(), a.apply(back, next, 400_000).table().all());
    }
}
