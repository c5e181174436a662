package dev.bulwark.agent.datapath.bpf;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * An open eBPF map file descriptor and the element operations of bpf(2) on it: single lookup, update,
 * delete, key iteration, and batch update/delete. Keys and values are raw byte segments in the kernel's
 * layout ({@link Layouts} encodes them). Methods are synchronized: each instance reuses one attr buffer,
 * and contention is not expected (one owner thread per map).
 */
public final class BpfMap implements AutoCloseable {

    private final Arena arena = Arena.ofShared();
    /** For element ops: only bytes 0..31 are ever written, so the kernel's zero-tail check always holds. */
    private final MemorySegment attr = arena.allocate(BpfCommand.ATTR_SIZE, 8);
    private final MemorySegment batch = arena.allocate(BpfCommand.ATTR_SIZE, 8);
    private final MemorySegment errno = Syscalls.errnoSlot(arena);
    private final int fd;
    private final MapInfo info;
    private final String label;
    private boolean closed;

    private BpfMap(int fd, String label) {
        this.fd = fd;
        this.label = label;
        this.info = readInfo();
    }

    /** Opens the map pinned at {@code path} (BPF_OBJ_GET). */
    public static BpfMap openPinned(Path path) {
        return new BpfMap(Pins.get(path), path.toString());
    }

    /** Creates a new, unpinned map (BPF_MAP_CREATE): for benchmarks and probes. */
    public static BpfMap create(int type, int keySize, int valueSize, int maxEntries, int flags, String name) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment at = a.allocate(BpfCommand.ATTR_SIZE, 8);
            at.set(JAVA_INT, 0, type);
            at.set(JAVA_INT, 4, keySize);
            at.set(JAVA_INT, 8, valueSize);
            at.set(JAVA_INT, 12, maxEntries);
            at.set(JAVA_INT, 16, flags);
            byte[] n = name.getBytes(StandardCharsets.US_ASCII);
            MemorySegment.copy(n, 0, at, java.lang.foreign.ValueLayout.JAVA_BYTE, 28, Math.min(n.length, 15));
            int fd = (int) Syscalls.bpf(Syscalls.errnoSlot(a), BpfCommand.MAP_CREATE, at, "create map " + name);
            return new BpfMap(fd, name);
        }
    }

    /** Takes ownership of {@code fd}. */
    public static BpfMap ofFd(int fd, String label) {
        return new BpfMap(fd, label);
    }

    public int fd() {
        return fd;
    }

    public MapInfo info() {
        return info;
    }

    /** Bytes of one value buffer: per-CPU maps hold roundup(value_size, 8) per possible CPU. */
    public long valueBufferSize() {
        return info.type() == MapInfo.TYPE_PERCPU_ARRAY
                ? (long) ((info.valueSize() + 7) & ~7) * Cpus.possible() : info.valueSize();
    }

    /** Copies the value for {@code key} into {@code value}; false when absent. */
    public synchronized boolean lookup(MemorySegment key, MemorySegment value) {
        elemAttr(key, value, 0);
        long r = Syscalls.bpfRaw(errno, BpfCommand.MAP_LOOKUP_ELEM, attr);
        return check(r, "lookup");
    }

    public synchronized void update(MemorySegment key, MemorySegment value) {
        elemAttr(key, value, BpfCommand.UPDATE_ANY);
        Syscalls.bpf(errno, BpfCommand.MAP_UPDATE_ELEM, attr, label + ": update");
    }

    /** Deletes {@code key}; false if it was absent. */
    public synchronized boolean delete(MemorySegment key) {
        elemAttr(key, MemorySegment.NULL, 0);
        return check(Syscalls.bpfRaw(errno, BpfCommand.MAP_DELETE_ELEM, attr), "delete");
    }

    /** Writes the key after {@code key} (NULL: the first key) into {@code next}; false at the end. */
    public synchronized boolean nextKey(MemorySegment key, MemorySegment next) {
        elemAttr(key, next, 0);
        return check(Syscalls.bpfRaw(errno, BpfCommand.MAP_GET_NEXT_KEY, attr), "next key");
    }

    /** BPF_MAP_UPDATE_BATCH of {@code count} packed keys and values; returns how many were applied. */
    public synchronized int updateBatch(MemorySegment keys, MemorySegment values, int count) {
        batchAttr(keys, values, count);
        long r = Syscalls.bpfRaw(errno, BpfCommand.MAP_UPDATE_BATCH, batch);
        int done = batch.get(JAVA_INT, 32);
        if (r < 0) {
            throw new BpfException(label + ": update batch (" + done + " of " + count + " applied)", (int) -r);
        }
        return done;
    }

    /** BPF_MAP_DELETE_BATCH of {@code count} packed keys; all must exist. */
    public synchronized int deleteBatch(MemorySegment keys, int count) {
        batchAttr(keys, MemorySegment.NULL, count);
        long r = Syscalls.bpfRaw(errno, BpfCommand.MAP_DELETE_BATCH, batch);
        int done = batch.get(JAVA_INT, 32);
        if (r < 0) {
            throw new BpfException(label + ": delete batch (" + done + " of " + count + " deleted)", (int) -r);
        }
        return done;
    }

    private void elemAttr(MemorySegment key, MemorySegment valueOrNext, long flags) {
        attr.set(JAVA_LONG, 0, Integer.toUnsignedLong(fd)); // map_fd and the zero pad after it
        attr.set(JAVA_LONG, 8, key.address());
        attr.set(JAVA_LONG, 16, valueOrNext.address());
        attr.set(JAVA_LONG, 24, flags);
    }

    private void batchAttr(MemorySegment keys, MemorySegment values, int count) {
        batch.fill((byte) 0);
        batch.set(JAVA_LONG, 16, keys.address());
        batch.set(JAVA_LONG, 24, values.address());
        batch.set(JAVA_INT, 32, count);
        batch.set(JAVA_INT, 36, fd);
    }

    private boolean check(long r, String op) {
        if (r >= 0) {
            return true;
        }
        if (r == -BpfException.ENOENT) {
            return false;
        }
        throw new BpfException(label + ": " + op, (int) -r);
    }

    private MapInfo readInfo() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment buf = a.allocate(88, 8);
            MemorySegment at = a.allocate(BpfCommand.ATTR_SIZE, 8);
            at.set(JAVA_INT, 0, fd);
            at.set(JAVA_INT, 4, (int) buf.byteSize());
            at.set(JAVA_LONG, 8, buf.address());
            Syscalls.bpf(Syscalls.errnoSlot(a), BpfCommand.OBJ_GET_INFO_BY_FD, at, label + ": map info");
            byte[] name = buf.asSlice(24, 16).toArray(JAVA_BYTE_LAYOUT);
            int len = 0;
            while (len < name.length && name[len] != 0) {
                len++;
            }
            return new MapInfo(buf.get(JAVA_INT, 0), buf.get(JAVA_INT, 4), buf.get(JAVA_INT, 8), buf.get(JAVA_INT, 12),
                    buf.get(JAVA_INT, 16), buf.get(JAVA_INT, 20), new String(name, 0, len, StandardCharsets.US_ASCII));
        }
    }

    private static final java.lang.foreign.ValueLayout.OfByte JAVA_BYTE_LAYOUT = java.lang.foreign.ValueLayout.JAVA_BYTE;

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            Syscalls.close(fd);
            arena.close();
        }
    }

    @Override
    public String toString() {
        return label + " (fd " + fd + ", " + info + ")";
    }
}
