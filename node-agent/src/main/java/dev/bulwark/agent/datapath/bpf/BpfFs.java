package dev.bulwark.agent.datapath.bpf;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Makes sure /sys/fs/bpf is a bpffs mount (CI machines and fresh nodes often lack it). */
final class BpfFs {

    static final Path MOUNT = Path.of("/sys/fs/bpf");

    private BpfFs() {
    }

    static void ensureMounted(Path pinRoot) {
        if (!pinRoot.startsWith(MOUNT)) {
            throw new IllegalArgumentException("pin root " + pinRoot + " must be under " + MOUNT);
        }
        if (mounted()) {
            return;
        }
        try {
            Process p = new ProcessBuilder("mount", "-t", "bpf", "bpf", MOUNT.toString()).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            if (p.waitFor() != 0 || !mounted()) {
                throw new IllegalStateException("mount -t bpf bpf " + MOUNT + " failed: " + out.trim());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("running mount", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while mounting bpffs", e);
        }
    }

    private static boolean mounted() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/mounts"))) {
                String[] f = line.split(" ");
                if (f.length > 2 && f[1].equals(MOUNT.toString()) && f[2].equals("bpf")) {
                    return true;
                }
            }
            return false;
        } catch (IOException e) {
            throw new UncheckedIOException("reading /proc/self/mounts", e);
        }
    }
}
