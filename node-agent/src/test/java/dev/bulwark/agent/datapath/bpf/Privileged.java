package dev.bulwark.agent.datapath.bpf;

import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;

/** Skips a privileged test, printing why, unless this process may run the kernel datapath. */
public final class Privileged {

    private Privileged() {
    }

    public static void assumeKernelDatapath() {
        Optional<String> kernel = KernelDatapath.unavailable();
        Optional<String> why = kernel.isEmpty() && !"root".equals(System.getProperty("user.name"))
                ? Optional.of("not root (netns and veth setup need CAP_NET_ADMIN)") : kernel;
        why.ifPresent(r -> System.out.println("SKIPPED privileged test: " + r));
        Assumptions.assumeTrue(why.isEmpty(), () -> "kernel datapath unavailable: " + why.orElse(""));
    }

    /** A pin root of its own for each test, so runs never collide. */
    public static Path pinRoot(String test) {
        return Path.of("/sys/fs/bpf/bulwark-test-" + test + "-" + ProcessHandle.current().pid());
    }
}
