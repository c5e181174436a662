package dev.bulwark.agent.datapath.bpf;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;
import java.util.Map;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * libbpf.so.1 through FFM, for what we do not want to reimplement: parsing the ELF object, relocating
 * map references, loading programs, and tc (clsact) attachment on kernels without tcx. Only open, pin
 * path setup, load, fd lookup and close are used; everything after load is plain bpf(2) in
 * {@link BpfMap}. Thread-safe (libbpf objects are confined to one {@link LoadedObject}).
 */
@SuppressWarnings("restricted") // FFM downcalls into libbpf are this class's job
final class Libbpf {

    private static final Linker LINKER = Linker.nativeLinker();
    private static final SymbolLookup LIB;
    private static final String MISSING;

    static {
        SymbolLookup lib = null;
        String missing = null;
        try {
            lib = SymbolLookup.libraryLookup("libbpf.so.1", Arena.global());
        } catch (IllegalArgumentException e) {
            missing = "libbpf.so.1 not found (install the Debian package libbpf1)";
        }
        LIB = lib;
        MISSING = missing;
    }

    private static MethodHandle fn(String name, FunctionDescriptor d) {
        return LINKER.downcallHandle(LIB.findOrThrow(name), d);
    }

    private static final class H {
        static final MethodHandle OPEN = LINKER.downcallHandle(LIB.findOrThrow("bpf_object__open_file"),
                FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS), Linker.Option.captureCallState("errno"));
        static final MethodHandle FIND_MAP = fn("bpf_object__find_map_by_name", FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS));
        static final MethodHandle SET_PIN = fn("bpf_map__set_pin_path", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
        static final MethodHandle LOAD = fn("bpf_object__load", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        static final MethodHandle FIND_PROG = fn("bpf_object__find_program_by_name", FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS));
        static final MethodHandle PROG_FD = fn("bpf_program__fd", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        static final MethodHandle MAP_FD = fn("bpf_map__fd", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        static final MethodHandle CLOSE = fn("bpf_object__close", FunctionDescriptor.ofVoid(ADDRESS));
        static final MethodHandle HOOK_CREATE = fn("bpf_tc_hook_create", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        static final MethodHandle HOOK_DESTROY = fn("bpf_tc_hook_destroy", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        static final MethodHandle TC_ATTACH = fn("bpf_tc_attach", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
    }

    private Libbpf() {
    }

    /** Empty when libbpf can be used; otherwise why not. */
    static java.util.Optional<String> unavailable() {
        return java.util.Optional.ofNullable(MISSING);
    }

    /** An opened and loaded object; close it after attaching (pinned maps and links keep living). */
    static final class LoadedObject implements AutoCloseable {
        private final Arena arena = Arena.ofShared();
        private final MemorySegment obj;

        private LoadedObject(MemorySegment obj) {
            this.obj = obj;
        }

        int programFd(String name) {
            try {
                MemorySegment p = (MemorySegment) H.FIND_PROG.invokeExact(obj, arena.allocateFrom(name));
                if (p.address() == 0) {
                    throw new IllegalStateException("program " + name + " not in the object");
                }
                return (int) H.PROG_FD.invokeExact(p);
            } catch (RuntimeException e) {
                throw e;
            } catch (Throwable t) {
                throw new IllegalStateException(t);
            }
        }

        int mapFd(String name) {
            try {
                return (int) H.MAP_FD.invokeExact(map(name));
            } catch (RuntimeException e) {
                throw e;
            } catch (Throwable t) {
                throw new IllegalStateException(t);
            }
        }

        private MemorySegment map(String name) throws Throwable {
            MemorySegment m = (MemorySegment) H.FIND_MAP.invokeExact(obj, arena.allocateFrom(name));
            if (m.address() == 0) {
                throw new IllegalStateException("map " + name + " not in the object");
            }
            return m;
        }

        @Override
        public void close() {
            try {
                H.CLOSE.invokeExact(obj);
            } catch (Throwable t) {
                throw new IllegalStateException(t);
            } finally {
                arena.close();
            }
        }
    }

    /**
     * Opens {@code object}, gives each named map its pin path (an existing pin is reused if compatible,
     * otherwise the load fails; a new map is pinned after load), and loads it.
     */
    static LoadedObject load(Path object, Map<String, Path> pins) {
        if (MISSING != null) {
            throw new IllegalStateException(MISSING);
        }
        try (Arena a = Arena.ofConfined()) {
            MemorySegment errno = Syscalls.errnoSlot(a);
            MemorySegment obj = (MemorySegment) H.OPEN.invokeExact(errno, a.allocateFrom(object.toString()), MemorySegment.NULL);
            if (obj.address() == 0) {
                throw new BpfException("libbpf open " + object, Syscalls.errno(errno));
            }
            LoadedObject lo = new LoadedObject(obj);
            try {
                for (Map.Entry<String, Path> e : pins.entrySet()) {
                    int r = (int) H.SET_PIN.invokeExact(lo.map(e.getKey()), a.allocateFrom(e.getValue().toString()));
                    if (r < 0) {
                        throw new BpfException("libbpf pin path " + e.getValue(), -r);
                    }
                }
                int r = (int) H.LOAD.invokeExact(obj);
                if (r < 0) {
                    throw new BpfException("libbpf load " + object + " (see libbpf's messages above)", -r);
                }
                return lo;
            } catch (Throwable t) {
                lo.close();
                throw t;
            }
        } catch (RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** struct bpf_tc_hook {size_t sz; int ifindex; int attach_point; u32 parent; pad}: 24 bytes. */
    private static MemorySegment hook(Arena a, int ifindex, int attachPoint) {
        MemorySegment h = a.allocate(24, 8);
        h.set(JAVA_LONG, 0, 24);
        h.set(JAVA_INT, 8, ifindex);
        h.set(JAVA_INT, 12, attachPoint);
        return h;
    }

    /** tc clsact attach (kernels without tcx): creates the hook if needed and adds a direct-action filter. */
    static void tcAttach(int ifindex, boolean ingress, int progFd) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment h = hook(a, ifindex, ingress ? 1 : 2);
            int r = (int) H.HOOK_CREATE.invokeExact(h);
            if (r < 0 && r != -BpfException.EEXIST) {
                throw new BpfException("tc hook on ifindex " + ifindex, -r);
            }
            MemorySegment opts = a.allocate(32, 8); // {size_t sz; int prog_fd; u32 flags; u32 prog_id; u32 handle; u32 priority}
            opts.set(JAVA_LONG, 0, 32);
            opts.set(JAVA_INT, 8, progFd);
            opts.set(JAVA_INT, 12, 1); // BPF_TC_F_REPLACE
            opts.set(JAVA_INT, 20, 1); // handle
            opts.set(JAVA_INT, 24, 1); // priority
            r = (int) H.TC_ATTACH.invokeExact(h, opts);
            if (r < 0) {
                throw new BpfException("tc attach on ifindex " + ifindex, -r);
            }
        } catch (RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** Removes the clsact qdisc (both directions' filters) from {@code ifindex}. */
    static void tcDetachAll(int ifindex) {
        try (Arena a = Arena.ofConfined()) {
            int r = (int) H.HOOK_DESTROY.invokeExact(hook(a, ifindex, 3));
            if (r < 0 && r != -BpfException.ENOENT && r != -19) {
                throw new BpfException("tc hook destroy on ifindex " + ifindex, -r);
            }
        } catch (RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }
}
