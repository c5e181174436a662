package dev.bulwark.chaos.db;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * A child process the harness starts, kills (-9), pauses (SIGSTOP) and resumes (SIGCONT) by PID, with its
 * output appended to one log across restarts and a timestamped harness line at each start and kill, so a
 * reader can line up the process's own lines with them. Shared by store replicas and the convergence
 * workload's components. Guarded by its own monitor: the nemesis, the heal and cleanup may race.
 */
public final class LoggedProcess {

    private final String name;
    private final String label;
    private final Path log;
    private Process process;
    private boolean paused;

    /** @param label how error messages name it, e.g. {@code replica n1} */
    public LoggedProcess(String name, String label, Path log) {
        this.name = name;
        this.label = label;
        this.log = log;
    }

    public Path log() {
        return log;
    }

    /** Starts {@code command} unless the process runs; true if it started one. */
    public synchronized boolean start(List<String> command, String event) {
        if (alive()) {
            return false;
        }
        try {
            mark(event);
            process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
            paused = false;
            return true;
        } catch (IOException e) {
            throw new UncheckedIOException(label + ": cannot start " + command, e);
        }
    }

    public synchronized boolean alive() {
        return process != null && process.isAlive();
    }

    public synchronized long pid() {
        return process == null ? -1 : process.pid();
    }

    /** kill -9 (after SIGCONT, so a paused process dies too) and wait until it is gone. */
    public synchronized void kill() {
        if (alive()) {
            if (paused) {
                HostCommand.signal(process.pid(), "CONT");
            }
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

    /** The last {@code lines} lines of the log, for error messages. */
    public String logTail(int lines) {
        try {
            List<String> all = Files.exists(log) ? Files.readAllLines(log) : List.of();
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(log unreadable: " + e.getMessage() + ")";
        }
    }

    /** Best effort: a log that cannot be written loses the marker, not the run. */
    private void mark(String event) {
        try {
            Files.writeString(log, "=== chaos " + java.time.Instant.now() + " " + name + " " + event + "\n",
                    StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            System.err.println(label + ": cannot write a marker to " + log + ": " + e.getMessage());
        }
    }
}
