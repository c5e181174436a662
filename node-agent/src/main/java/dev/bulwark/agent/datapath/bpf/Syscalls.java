package dev.bulwark.agent.datapath.bpf;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The libc entry points the datapath needs, linked once through FFM: {@code syscall(SYS_bpf, ...)},
 * {@code open}, {@code close}, {@code mmap}, {@code munmap}, {@code setns}, {@code if_nametoindex} and
 * {@code clock_gettime}.
 * Every call captures errno and failures surface as {@link BpfException}. Stateless and thread-safe.
 */
@SuppressWarnings("restricted") // FFM downcalls are this class's job; the JVM runs with --enable-native-access
public final class Syscalls {

    static final long SYS_BPF = switch (System.getProperty("os.arch")) {
        case "aarch64" -> 280;
        default -> 321;
    };
    static final int O_RDONLY = 0;
    static final int O_CLOEXEC = 0x80000;
    static final int CLONE_NEWNET = 0x40000000;
    static final int PROT_READ = 1;
    static final int PROT_WRITE = 2;
    static final int MAP_SHARED = 1;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final SymbolLookup LIBC = LINKER.defaultLookup();
    private static final StructLayout CAPTURE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CAPTURE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final Linker.Option ERRNO_OPT = Linker.Option.captureCallState("errno");

    private static final MethodHandle SYSCALL = LINKER.downcallHandle(LIBC.findOrThrow("syscall"),
            FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, ADDRESS, JAVA_LONG),
            Linker.Option.firstVariadicArg(1), ERRNO_OPT);
    private static final MethodHandle OPEN = LINKER.downcallHandle(LIBC.findOrThrow("open"),
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT), Linker.Option.firstVariadicArg(2), ERRNO_OPT);
    private static final MethodHandle CLOSE = LINKER.downcallHandle(LIBC.findOrThrow("close"),
            FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final MethodHandle MMAP = LINKER.downcallHandle(LIBC.findOrThrow("mmap"),
            FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG), ERRNO_OPT);
    private static final MethodHandle MUNMAP = LINKER.downcallHandle(LIBC.findOrThrow("munmap"),
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG));
    private static final MethodHandle SETNS = LINKER.downcallHandle(LIBC.findOrThrow("setns"),
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT), ERRNO_OPT);
    private static final MethodHandle IF_NAMETOINDEX = LINKER.downcallHandle(LIBC.findOrThrow("if_nametoindex"),
            FunctionDescriptor.of(JAVA_INT, ADDRESS), ERRNO_OPT);

    private static final MethodHandle CLOCK_GETTIME = LINKER.downcallHandle(LIBC.findOrThrow("clock_gettime"),
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS));
    static final int CLOCK_BOOTTIME = 7;

    private Syscalls() {
    }

    /** A per-call errno slot; callers on hot paths keep one per thread. */
    static MemorySegment errnoSlot(Arena arena) {
        return arena.allocate(CAPTURE);
    }

    static int errno(MemorySegment slot) {
        return (int) ERRNO.get(slot, 0L);
    }

    /** bpf(cmd, attr, size); returns the non-negative result or throws with errno. */
    static long bpf(MemorySegment errno, int cmd, MemorySegment attr, String what) {
        long r;
        try {
            r = (long) SYSCALL.invokeExact(errno, SYS_BPF, (long) cmd, attr, attr.byteSize());
        } catch (Throwable t) {
            throw new IllegalStateException("bpf() downcall failed", t);
        }
        if (r < 0) {
            throw new BpfException(what, errno(errno));
        }
        return r;
    }

    /** bpf() returning -errno instead of throwing (for ENOENT loops on hot paths). */
    static long bpfRaw(MemorySegment errno, int cmd, MemorySegment attr) {
        try {
            long r = (long) SYSCALL.invokeExact(errno, SYS_BPF, (long) cmd, attr, attr.byteSize());
            return r < 0 ? -errno(errno) : r;
        } catch (Throwable t) {
            throw new IllegalStateException("bpf() downcall failed", t);
        }
    }

    public static int open(String path, int flags) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment errno = errnoSlot(arena);
            int fd = (int) OPEN.invokeExact(errno, arena.allocateFrom(path), flags);
            if (fd < 0) {
                throw new BpfException("open " + path, errno(errno));
            }
            return fd;
        } catch (BpfException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("open() downcall failed", t);
        }
    }

    public static void close(int fd) {
        try {
            int ignored = (int) CLOSE.invokeExact(fd);
        } catch (Throwable t) {
            throw new IllegalStateException("close() downcall failed", t);
        }
    }

    static MemorySegment mmap(long length, int prot, int fd, long offset) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment errno = errnoSlot(arena);
            MemorySegment p = (MemorySegment) MMAP.invokeExact(errno, MemorySegment.NULL, length, prot, MAP_SHARED, fd, offset);
            if (p.address() == -1L) {
                throw new BpfException("mmap", errno(errno));
            }
            return p.reinterpret(length);
        } catch (BpfException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("mmap() downcall failed", t);
        }
    }

    static void munmap(MemorySegment segment) {
        try {
            int ignored = (int) MUNMAP.invokeExact(segment, segment.byteSize());
        } catch (Throwable t) {
            throw new IllegalStateException("munmap() downcall failed", t);
        }
    }

    /** Moves the calling thread into the network namespace open at {@code fd}. */
    public static void setNetns(int fd) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment errno = errnoSlot(arena);
            if ((int) SETNS.invokeExact(errno, fd, CLONE_NEWNET) != 0) {
                throw new BpfException("setns", errno(errno));
            }
        } catch (BpfException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("setns() downcall failed", t);
        }
    }

    /** The index of interface {@code name} in the calling thread's network namespace. */
    public static int ifIndex(String name) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment errno = errnoSlot(arena);
            int idx = (int) IF_NAMETOINDEX.invokeExact(errno, arena.allocateFrom(name));
            if (idx == 0) {
                throw new BpfException("if_nametoindex " + name, errno(errno));
            }
            return idx;
        } catch (BpfException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("if_nametoindex() downcall failed", t);
        }
    }

    /**
     * CLOCK_BOOTTIME in nanoseconds: the clock {@code bpf_ktime_get_boot_ns} reads in the program (unlike
     * CLOCK_MONOTONIC it keeps counting during suspend, so an expiry cannot stretch past a certificate's).
     */
    public static long bootTimeNanos() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment ts = arena.allocate(16, 8);
            if ((int) CLOCK_GETTIME.invokeExact(CLOCK_BOOTTIME, ts) != 0) {
                throw new IllegalStateException("clock_gettime(CLOCK_BOOTTIME) failed");
            }
            return ts.get(JAVA_LONG, 0) * 1_000_000_000L + ts.get(JAVA_LONG, 8);
        } catch (IllegalStateException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("clock_gettime() downcall failed", t);
        }
    }
}
