package dev.bulwark.agent.netns;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a host command (ip, nsenter, sysctl) and fails with its output when it exits non-zero. */
public final class HostCommand {

    private HostCommand() {
    }

    /** Runs {@code argv}; returns stdout+stderr; throws IllegalStateException with the output on failure. */
    public static String run(String... argv) {
        return run(List.of(argv));
    }

    public static String run(List<String> argv) {
        String out = runAllowingFailure(argv);
        if (out.startsWith(FAILED)) {
            throw new IllegalStateException(String.join(" ", argv) + " failed: " + out.substring(FAILED.length()).trim());
        }
        return out;
    }

    private static final String FAILED = "\u0000failed:";

    /** Runs {@code argv}; failures come back as output prefixed by a marker (for best-effort cleanup). */
    static String runAllowingFailure(List<String> argv) {
        try {
            Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return FAILED + "timed out";
            }
            return p.exitValue() == 0 ? out : FAILED + "exit " + p.exitValue() + ": " + out;
        } catch (IOException e) {
            throw new UncheckedIOException("running " + argv.getFirst() + " (is iproute2 installed?)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted running " + argv, e);
        }
    }

    /** Best effort: runs {@code argv} and ignores failure (cleanup paths). */
    public static void tryRun(String... argv) {
        runAllowingFailure(List.of(argv));
    }
}
