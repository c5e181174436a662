package dev.bulwark.agent.datapath.bpf;

import dev.bulwark.agent.datapath.Reason;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * BPF_PROG_TEST_RUN of a loaded tc program on a crafted frame: the kernel runs the real program (with
 * the real maps) once and returns its verdict. The program leaves reason + 1 in {@code skb->cb[0]}, which
 * the kernel copies back through ctx_out. Used by tests and by SCTP probes (no SCTP sockets here).
 */
public final class ProgramTestRun {

    /** {@code struct __sk_buff} size on 6.x kernels; cb[0] is at offset 48. */
    private static final int SKB_CTX_SIZE = 192;
    private static final int CB0 = 48;

    private ProgramTestRun() {
    }

    /** The outcome: tc return code (0 pass, 2 drop) and the reason the program recorded. */
    public record Result(int retval, Reason reason) {
        public boolean passed() {
            return retval == 0;
        }
    }

    public static Result run(int progFd, byte[] frame) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment data = a.allocateFrom(ValueLayout.JAVA_BYTE, frame);
            MemorySegment ctxIn = a.allocate(SKB_CTX_SIZE, 8);
            MemorySegment ctxOut = a.allocate(SKB_CTX_SIZE, 8);
            MemorySegment attr = a.allocate(BpfCommand.ATTR_SIZE, 8);
            attr.set(JAVA_INT, 0, progFd);
            attr.set(JAVA_INT, 8, frame.length);
            attr.set(JAVA_LONG, 16, data.address());
            attr.set(JAVA_INT, 32, 1); // repeat
            attr.set(JAVA_INT, 40, SKB_CTX_SIZE);
            attr.set(JAVA_INT, 44, SKB_CTX_SIZE);
            attr.set(JAVA_LONG, 48, ctxIn.address());
            attr.set(JAVA_LONG, 56, ctxOut.address());
            Syscalls.bpf(Syscalls.errnoSlot(a), BpfCommand.PROG_TEST_RUN, attr, "test run");
            int retval = attr.get(JAVA_INT, 4);
            int cb0 = ctxOut.get(JAVA_INT, CB0);
            return new Result(retval, cb0 == 0 ? null : Reason.byCode(cb0 - 1));
        }
    }
}
