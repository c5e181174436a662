package dev.bulwark.chaos.convergence;

import dev.bulwark.chaos.db.HostCommand;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * One component process on loopback (allocator replica, distributor replica or agent), addressed by PID:
 * kill -9, SIGSTOP/SIGCONT, restart with the same command (same data directory). Output is appended to
 * {@code <name>.log}, with a harness line at each start and kill. Guarded by its own monitor: the nemesis,
 * the heal and cleanup may race.
 */
public final class Daemon {

    private final String name;
    private final List<String> command;
    private final Path log;
    private Process process;
    private boolean paused;
    private int starts;

    Daemon(String name, List<String> command, Path log) {
        this.name = name;
        this.command = List.copyOf(command);
        this.log = log;
    }

    public String name() {
        return name;
    }

    /** Starts the process (no-op while it runs). */
    public synchronized void start() {
        if (alive()) {
            return;
        }
        try {
            mark("start");
            process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
            paused = false;
            starts++;
        } catch (IOException e) {
            throw new UncheckedIOException(name + ": cannot start " + command, e);
        }
    }

    /** How often the process was started: a new number means a new instance (its state starts empty). */
    public synchronized int starts() {
        return starts;
    }

    public synchronized boolean alive() {
        return process != null && process.isAlive();
    }

    /** kill -9 (after SIGCONT, so a paused process dies too) and wait until it is gone. */
    public synchronized void kill() {
        if (process == null || !process.isAlive()) {
            return;
        }
        if (paused) {
            HostCommand.signal(process.pid(), "CONT");
        }
        HostCommand.tryRun("kill", "-KILL", Long.toString(process.pid()));
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        paused = false;
        mark("killed");
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

    /** The last {@code lines} lines of the log, for error messages. */
    public String logTail(int lines) {
        try {
            List<String> all = Files.exists(log) ? Files.readAllLines(log) : List.of();
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(log unreadable: " + e.getMessage() + ")";
        }
    }

    private void mark(String event) {
        try {
            Files.writeString(log, "=== chaos " + java.time.Instant.now() + " " + name + " " + event + "\n",
                    StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            System.err.println(name + ": cannot write a marker to " + log + ": " + e.getMessage());
        }
    }
}
