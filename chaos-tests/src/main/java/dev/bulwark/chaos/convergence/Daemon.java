package dev.bulwark.chaos.convergence;

import dev.bulwark.chaos.db.LoggedProcess;
import java.nio.file.Path;
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
    private final LoggedProcess process;
    private int starts;

    Daemon(String name, List<String> command, Path log) {
        this.name = name;
        this.command = List.copyOf(command);
        this.process = new LoggedProcess(name, name, log);
    }

    public String name() {
        return name;
    }

    /** Starts the process (no-op while it runs). */
    public synchronized void start() {
        if (process.start(command, "start")) {
            starts++;
        }
    }

    /** How often the process was started: a new number means a new instance (its state starts empty). */
    public synchronized int starts() {
        return starts;
    }

    public boolean alive() {
        return process.alive();
    }

    /** kill -9 (after SIGCONT, so a paused process dies too) and wait until it is gone. */
    public void kill() {
        process.kill();
    }

    public void pause() {
        process.pause();
    }

    public void resume() {
        process.resume();
    }

    /** The last {@code lines} lines of the log, for error messages. */
    public String logTail(int lines) {
        return process.logTail(lines);
    }
}
