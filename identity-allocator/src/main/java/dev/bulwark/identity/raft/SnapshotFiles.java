package dev.bulwark.identity.raft;

import dev.bulwark.identity.IdentityTable;
import java.io.File;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.apache.ratis.io.MD5Hash;
import org.apache.ratis.statemachine.impl.SimpleStateMachineStorage;
import org.apache.ratis.util.MD5FileUtil;

/**
 * Snapshot files that a kill -9 cannot leave half-written. Ratis finds the latest snapshot by file name
 * ({@code snapshot.<term>_<index>}) and its checksum in {@code <name>.md5}. Written in place, a kill
 * between the data and the checksum left a snapshot without one (or a truncated one), and the replica
 * then failed on every restart (a chaos run lost a replica for good that way, docs/chaos.md). So: the
 * data goes to {@code <name>.tmp} and is forced to disk, the checksum is written (atomically, by Ratis),
 * and only then is the data renamed to its real name. Any earlier kill leaves no file Ratis would load.
 *
 * <p>Pure file operations on one directory; callers serialise them (Ratis takes one snapshot at a time).
 */
final class SnapshotFiles {

    static final String TMP_SUFFIX = ".tmp";
    static final String SET_ASIDE_SUFFIX = ".incomplete";

    private SnapshotFiles() {
    }

    /** Writes {@code table} as {@code target} with its checksum, all or nothing; returns the checksum. */
    static MD5Hash write(IdentityTable table, File target) throws IOException {
        Path tmp = target.toPath().resolveSibling(target.getName() + TMP_SUFFIX);
        TableSnapshotFormat.write(table, tmp);
        try (FileChannel data = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
            data.force(true);
        }
        MD5Hash md5 = MD5FileUtil.computeMd5ForFile(tmp.toFile());
        MD5FileUtil.saveMD5File(target, md5);
        Files.move(tmp, target.toPath(), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        forceDirectory(target.toPath().getParent());
        return md5;
    }

    /**
     * Before Ratis looks for the latest snapshot: renames every snapshot without its checksum file (left
     * by a kill while an older version wrote it in place) to {@code <name>.incomplete}, so the previous
     * complete snapshot and the log are used instead, and deletes leftover {@code .tmp} files. The log
     * still holds every entry after the previous snapshot: Ratis purges only after a snapshot is taken.
     *
     * @return the snapshot files set aside
     */
    static List<Path> setAsideIncomplete(Path dir) throws IOException {
        List<Path> setAside = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return setAside;
        }
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
            stream.forEach(files::add);
        }
        for (Path p : files) {
            String name = p.getFileName().toString();
            if (name.endsWith(TMP_SUFFIX) && SimpleStateMachineStorage.SNAPSHOT_REGEX
                    .matcher(name.substring(0, name.length() - TMP_SUFFIX.length())).matches()) {
                Files.deleteIfExists(p);
            } else if (SimpleStateMachineStorage.SNAPSHOT_REGEX.matcher(name).matches()
                    && !MD5FileUtil.getDigestFileForFile(p.toFile()).exists()) {
                Path aside = p.resolveSibling(name + SET_ASIDE_SUFFIX);
                Files.move(p, aside, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                setAside.add(aside);
            }
        }
        return setAside;
    }

    private static void forceDirectory(Path dir) {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException e) {
            // Some file systems cannot open a directory; the rename is then as durable as they make it.
        }
    }
}
