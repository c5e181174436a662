package dev.bulwark.agent.datapath.bpf;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/** BPF_OBJ_PIN and BPF_OBJ_GET: objects pinned in bpffs outlive the process that made them. */
public final class Pins {

    private Pins() {
    }

    /** Opens the object pinned at {@code path}; the caller owns the returned fd. */
    public static int get(Path path) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment attr = a.allocate(BpfCommand.ATTR_SIZE, 8);
            attr.set(JAVA_LONG, 0, a.allocateFrom(path.toString()).address());
            return (int) Syscalls.bpf(Syscalls.errnoSlot(a), BpfCommand.OBJ_GET, attr, "open pin " + path);
        }
    }

    /** Pins {@code fd} at {@code path} (which must not exist). */
    public static void pin(int fd, Path path) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment attr = a.allocate(BpfCommand.ATTR_SIZE, 8);
            attr.set(JAVA_LONG, 0, a.allocateFrom(path.toString()).address());
            attr.set(JAVA_INT, 8, fd);
            Syscalls.bpf(Syscalls.errnoSlot(a), BpfCommand.OBJ_PIN, attr, "pin " + path);
        }
    }
}
