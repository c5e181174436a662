package dev.bulwark.chaos.db;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs host tools (ip, iptables, nsenter, kill) and waits for them; the only place this package forks tools. */
public final class HostCommand {

    private static final long TIMEOUT_SECONDS = 30;

    private HostCommand() {
    }

    /**
     * Runs {@code command} and returns its stdout.
     *
     * @throws IllegalStateException with the command, exit code and stderr when it fails or hangs
     */
    public static String run(List<String> command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(false).start();
            p.getOutputStream().close();
            byte[] out = p.getInputStream().readAllBytes();
            byte[] err = p.getErrorStream().readAllBytes();
            if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + ": timed out");
            }
            if (p.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + ": exit " + p.exitValue() + ": "
                        + new String(err, StandardCharsets.UTF_8).trim());
            }
            return new String(out, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(String.join(" ", command) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(String.join(" ", command) + ": interrupted", e);
        }
    }

    public static String run(String... command) {
        return run(List.of(command));
    }

    /** Runs {@code command} for cleanup: failures are returned as text, never thrown. */
    public static String tryRun(String... command) {
        try {
            run(command);
            return null;
        } catch (IllegalStateException e) {
            return e.getMessage();
        }
    }

    /** Runs {@code command} and returns its exit code (output discarded); -1 when it could not run. */
    public static int status(List<String> command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return -1;
            }
            return p.exitValue();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /** Sends a signal (e.g. "KILL", "STOP", "CONT") to one process by PID. */
    public static void signal(long pid, String signal) {
        run("kill", "-" + signal, Long.toString(pid));
    }

    /** The reason privileged tests must skip, or null when we are root with ip, iptables and nsenter. */
    public static String privilegeProblem() {
        if (!"root".equals(System.getProperty("user.name"))) {
            return "not root (user " + System.getProperty("user.name") + "): network namespaces need CAP_NET_ADMIN";
        }
        for (String tool : List.of("ip", "iptables", "nsenter")) {
            if (tryRun("sh", "-c", "command -v " + tool) != null) {
                return tool + " not installed";
            }
        }
        String probe = "bwcprobe" + ProcessHandle.current().pid() % 100_000;
        String failed = tryRun("ip", "netns", "add", probe);
        tryRun("ip", "netns", "delete", probe);
        return failed == null ? null : "cannot create a network namespace: " + failed;
    }
}
