package dev.bulwark.agent.datapath.bpf;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;

import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * tcx attachment through BPF_LINK_CREATE (kernel 6.6+). The link is pinned, so it outlives the agent;
 * on restart an existing pin is updated in place (BPF_LINK_UPDATE swaps the program atomically) rather
 * than detached. Removing the pin detaches. Must run on a thread inside the interface's netns, since the
 * kernel resolves the ifindex in the caller's namespace. Stateless.
 */
public final class Links {

    private static final int LINK_UPDATE = 29;
    private static final int LINK_DETACH = 34;

    private Links() {
    }

    /** Attaches {@code progFd} to tcx ingress or egress of {@code ifindex} and pins the link at {@code pin}. */
    public static void attachTcx(int progFd, int ifindex, boolean ingress, Path pin) {
        if (Files.exists(pin)) {
            int link = Pins.get(pin);
            try (Arena a = Arena.ofConfined()) {
                MemorySegment attr = a.allocate(BpfCommand.ATTR_SIZE, 8);
                attr.set(JAVA_INT, 0, link);
                attr.set(JAVA_INT, 4, progFd);
                Syscalls.bpf(Syscalls.errnoSlot(a), LINK_UPDATE, attr, "update tcx link " + pin);
                return;
            } finally {
                Syscalls.close(link);
            }
        }
        try (Arena a = Arena.ofConfined()) {
            MemorySegment attr = a.allocate(BpfCommand.ATTR_SIZE, 8);
            attr.set(JAVA_INT, 0, progFd);
            attr.set(JAVA_INT, 4, ifindex);
            attr.set(JAVA_INT, 8, ingress ? BpfCommand.ATTACH_TCX_INGRESS : BpfCommand.ATTACH_TCX_EGRESS);
            int link = (int) Syscalls.bpf(Syscalls.errnoSlot(a), BpfCommand.LINK_CREATE, attr,
                    "tcx attach to ifindex " + ifindex + (ingress ? " ingress" : " egress"));
            try {
                Pins.pin(link, pin);
            } finally {
                Syscalls.close(link);
            }
        }
    }

    /**
     * Detaches now (BPF_LINK_DETACH: releasing the last reference alone detaches only after deferred
     * work) and removes the pin; an absent pin is fine.
     */
    public static void detach(Path pin) {
        if (!Files.exists(pin)) {
            return;
        }
        int link = Pins.get(pin);
        try (Arena a = Arena.ofConfined()) {
            MemorySegment attr = a.allocate(BpfCommand.ATTR_SIZE, 8);
            attr.set(JAVA_INT, 0, link);
            Syscalls.bpf(Syscalls.errnoSlot(a), LINK_DETACH, attr, "detach tcx link " + pin);
        } finally {
            Syscalls.close(link);
        }
        try {
            Files.deleteIfExists(pin);
        } catch (IOException e) {
            throw new UncheckedIOException("removing link pin " + pin, e);
        }
    }
}
