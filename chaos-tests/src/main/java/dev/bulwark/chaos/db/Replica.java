package dev.bulwark.chaos.db;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * One replica process, addressed by PID only. Started through {@code nsenter --net=...}, which execs
 * the replica in place, so the child's PID is the replica's PID. Output goes to {@code <data>/../<node>.log}
 * (appended across restarts). Guarded by its own monitor: the nemesis and cleanup may race.
 */
public final class Replica {

    private final String node;
    private final String address;
    private final Path dataDir;
    private final List<String> enter;
    private final LoggedProcess process;

    Replica(String node, String address, Path dataDir, List<String> enter) {
        this.node = node;
        this.address = address;
        this.dataDir = dataDir;
        this.enter = List.copyOf(enter);
        this.process = new LoggedProcess(node, "replica " + node, dataDir.resolveSibling(node + ".log"));
    }

    public String node() {
        return node;
    }

    public String address() {
        return address;
    }

    public Path dataDir() {
        return dataDir;
    }

    /** Starts the process (no-op while it runs). */
    public synchronized void start(ReplicaCommand command, Map<String, String> peers, boolean join) {
        if (alive()) {
            return;
        }
        List<String> full = new ArrayList<>(enter);
        full.addAll(command.command(node, address, peers, dataDir, join));
        try {
            Files.createDirectories(dataDir);
        } catch (IOException e) {
            throw new UncheckedIOException("replica " + node + ": cannot start " + full, e);
        }
        process.start(full, "start" + (join ? " --join" : ""));
    }

    public boolean alive() {
        return process.alive();
    }

    public long pid() {
        return process.pid();
    }

    /** kill -9 and wait until it is gone. */
    public void kill() {
        process.kill();
    }

    public void pause() {
        process.pause();
    }

    public void resume() {
        process.resume();
    }

    /** Deletes the data directory's contents (the replica must be dead). */
    public synchronized void wipe() {
        if (alive()) {
            throw new IllegalStateException("replica " + node + ": wipe while running");
        }
        if (!Files.exists(dataDir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dataDir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                if (!p.equals(dataDir)) {
                    Files.delete(p);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("replica " + node + ": cannot wipe " + dataDir, e);
        }
    }

    /** The last {@code lines} lines of the replica's log, for error messages. */
    public String logTail(int lines) {
        return process.logTail(lines);
    }
}
