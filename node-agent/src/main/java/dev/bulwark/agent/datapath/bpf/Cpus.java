package dev.bulwark.agent.datapath.bpf;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The number of possible CPUs (not online ones): per-CPU map values have one slot per possible CPU. */
public final class Cpus {

    private static final int POSSIBLE = read();

    private Cpus() {
    }

    public static int possible() {
        return POSSIBLE;
    }

    /** Parses a cpulist such as "0-3" or "0,2-5". */
    static int count(String cpulist) {
        int max = -1;
        for (String part : cpulist.trim().split(",")) {
            String[] range = part.split("-");
            max = Math.max(max, Integer.parseInt(range[range.length - 1].trim()));
        }
        return max + 1;
    }

    private static int read() {
        try {
            return count(Files.readString(Path.of("/sys/devices/system/cpu/possible")));
        } catch (IOException e) {
            throw new UncheckedIOException("reading /sys/devices/system/cpu/possible", e);
        }
    }
}
