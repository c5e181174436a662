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
    private final Path log;
    private final List<String> enter;
    private Process process;
    private boolean paused;

    Replica(String node, String address, Path dataDir, List<String> enter) {
        this.node = node;
        this.address = address;
        this.dataDir = dataDir;
        this.log = dataDir.resolveSibling(node + ".log");
        this.enter = List.copyOf(enter);
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
            mark("start" + (join ? " --join" : ""));
            process = new ProcessBuilder(full).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
            paused = false;
        } catch (IOException e) {
            throw new UncheckedIOException("replica " + node + ": cannot start " + full, e);
        }
    }

    public synchronized boolean alive() {
        return process != null && process.isAlive();
    }

    public synchronized long pid() {
        return process == null ? -1 : process.pid();
    }

    /** kill -9 and wait until it is gone. */
    public synchronized void kill() {
        if (process == null) {
            return;
        }
        if (process.isAlive()) {
            HostCommand.tryRun("kill", "-KILL", Long.toString(process.pid()));
            try {
                process.waitFor();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            mark("killed pid " + process.pid());
        }
        paused = false;
    }

    public synchronized void pause() {
        if (alive() && !paused) {
            HostCommand.signal(process.pid(), "STOP");
            paused = true;
        }
    }

    public synchronized void resume() {
        if (alive() && paused) {
            HostCommand.signal(process.pid(), "CONT");
        }
        paused = false;
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

    /**
     * Appends a harness line with the wall-clock time to the replica's log, so a reader can line up the
     * replica's own (timestamped) lines with its starts and kills. Best effort: a log that cannot be
     * written loses the marker, not the run.
     */
    private void mark(String event) {
        try {
            Files.writeString(log, "=== chaos " + java.time.Instant.now() + " " + node + " " + event + "\n",
                    java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
        } catch (IOException e) {
            System.err.println("replica " + node + ": cannot write a marker to " + log + ": " + e.getMessage());
        }
    }

    /** The last {@code lines} lines of the replica's log, for error messages. */
    public String logTail(int lines) {
        try {
            List<String> all = Files.exists(log) ? Files.readAllLines(log) : List.of();
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(log unreadable: " + e.getMessage() + ")";
        }
    }
}
