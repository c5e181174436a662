package dev.bulwark.identity.raft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bulwark.identity.IdentityTable;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.ratis.io.MD5Hash;
import org.apache.ratis.util.MD5FileUtil;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Snapshot files a kill cannot leave half-written, and what a restart does with one an older version left. */
class SnapshotFilesTest {

    @Test
    void aWrittenSnapshotHasItsChecksumAndNoTemporaryFile(@TempDir Path dir) throws Exception {
        File target = dir.resolve("snapshot.3_120").toFile();
        MD5Hash md5 = SnapshotFiles.write(IdentityTable.empty(), target);
        assertEquals(Set.of("snapshot.3_120", "snapshot.3_120.md5"), names(dir));
        assertEquals(md5, MD5FileUtil.readStoredMd5ForFile(target));
        MD5FileUtil.verifySavedMD5(target, md5);
        assertEquals(IdentityTable.empty().revision(), TableSnapshotFormat.read(target.toPath()).revision());
    }

    @Test
    void aSnapshotWithoutChecksumIsSetAsideAndLeftoversOfACutWriteAreDeleted(@TempDir Path dir) throws Exception {
        SnapshotFiles.write(IdentityTable.empty(), dir.resolve("snapshot.2_100").toFile());
        Files.writeString(dir.resolve("snapshot.3_200"), "cut short"); // an older version killed mid-write
        Files.writeString(dir.resolve("snapshot.4_300.tmp"), "cut short"); // this version killed mid-write
        Files.writeString(dir.resolve("unrelated.tmp"), "kept");

        List<Path> aside = SnapshotFiles.setAsideIncomplete(dir);

        assertEquals(List.of(dir.resolve("snapshot.3_200.incomplete")), aside);
        assertEquals(Set.of("snapshot.2_100", "snapshot.2_100.md5", "snapshot.3_200.incomplete", "unrelated.tmp"),
                names(dir));
    }

    @Test
    void completeSnapshotsAndAMissingDirectoryAreLeftAlone(@TempDir Path dir) throws Exception {
        SnapshotFiles.write(IdentityTable.empty(), dir.resolve("snapshot.2_100").toFile());
        assertTrue(SnapshotFiles.setAsideIncomplete(dir).isEmpty());
        assertEquals(Set.of("snapshot.2_100", "snapshot.2_100.md5"), names(dir));
        assertTrue(SnapshotFiles.setAsideIncomplete(dir.resolve("absent")).isEmpty());
        assertFalse(Files.exists(dir.resolve("absent")));
    }

    private static Set<String> names(Path dir) throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).collect(Collectors.toSet());
        }
    }
}
