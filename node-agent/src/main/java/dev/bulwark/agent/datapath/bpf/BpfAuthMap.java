package dev.bulwark.agent.datapath.bpf;

import dev.bulwark.agent.datapath.AuthKey;
import dev.bulwark.agent.datapath.AuthMap;
import dev.bulwark.agent.datapath.DatapathException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * The kernel's auth map (hash, node-wide). The program compares expiries with
 * {@code bpf_ktime_get_boot_ns}, so wall-clock expiries are translated on each write and read through the
 * offset between {@code clock} and CLOCK_BOOTTIME sampled at that moment (a wall-clock step after the
 * write does not move a written expiry: the entry still dies when the certificate's lifetime, counted
 * from the write, runs out). Thread-safe ({@link BpfMap} serialises the syscalls; buffers are per call).
 */
public final class BpfAuthMap implements AuthMap, AutoCloseable {

    private final BpfMap map;
    private final InstantSource clock;
    private final LongSupplier bootNanos;

    public BpfAuthMap(BpfMap map, InstantSource clock) {
        this(map, clock, Syscalls::bootTimeNanos);
    }

    /** {@code bootNanos} reads CLOCK_BOOTTIME; tests may pass their own. */
    public BpfAuthMap(BpfMap map, InstantSource clock, LongSupplier bootNanos) {
        this.map = map;
        this.clock = clock;
        this.bootNanos = bootNanos;
        map.info().require(MapInfo.TYPE_HASH, Layouts.AUTH_KEY_SIZE, Layouts.AUTH_VALUE_SIZE);
    }

    /**
     * Wall-clock {@code expiry} on CLOCK_BOOTTIME, given both clocks' readings now; an expiry already
     * past is written as 0 (never live), one beyond a century is capped (no overflow).
     */
    static long toBootNanos(Instant now, long bootNow, Instant expiry) {
        Duration left = Duration.between(now, expiry);
        if (left.isNegative() || left.isZero()) {
            return 0;
        }
        long leftNs = left.compareTo(Duration.ofDays(36_500)) > 0 ? Duration.ofDays(36_500).toNanos() : left.toNanos();
        return bootNow + leftNs;
    }

    /** The inverse of {@link #toBootNanos} at the given readings. */
    static Instant toInstant(Instant now, long bootNow, long expiryBootNs) {
        return now.plusNanos(expiryBootNs - bootNow);
    }

    private long toBootNanos(Instant expiry) {
        return toBootNanos(clock.instant(), bootNanos.getAsLong(), expiry);
    }

    private Instant toInstant(long expiryBootNs) {
        return toInstant(clock.instant(), bootNanos.getAsLong(), expiryBootNs);
    }

    @Override
    public void put(AuthKey key, Instant expiry) {
        long next = toBootNanos(expiry);
        try (Arena a = Arena.ofConfined()) {
            MemorySegment k = a.allocate(Layouts.AUTH_KEY_SIZE, 8);
            MemorySegment v = a.allocate(Layouts.AUTH_VALUE_SIZE, 8);
            Layouts.writeAuthKey(k, 0, key);
            if (map.lookup(k, v) && Layouts.readAuthValue(v, 0) >= next) {
                return;
            }
            Layouts.writeAuthValue(v, 0, next);
            map.update(k, v);
        } catch (BpfException e) {
            throw new DatapathException("auth map update " + key + ": " + e.getMessage(),
                    e.errno() == BpfException.E2BIG || e.errno() == BpfException.ENOSPC ? 8 : 13, e);
        }
    }

    @Override
    public boolean remove(AuthKey key) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment k = a.allocate(Layouts.AUTH_KEY_SIZE, 8);
            Layouts.writeAuthKey(k, 0, key);
            return map.delete(k);
        }
    }

    @Override
    public Optional<Instant> expiry(AuthKey key) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment k = a.allocate(Layouts.AUTH_KEY_SIZE, 8);
            MemorySegment v = a.allocate(Layouts.AUTH_VALUE_SIZE, 8);
            Layouts.writeAuthKey(k, 0, key);
            return map.lookup(k, v) ? Optional.of(toInstant(Layouts.readAuthValue(v, 0))) : Optional.empty();
        }
    }

    /** Every entry; expiries converted back to wall-clock time at the moment of reading. */
    @Override
    public Map<AuthKey, Instant> read() {
        Map<AuthKey, Instant> out = new HashMap<>();
        try (Arena a = Arena.ofConfined()) {
            MemorySegment key = a.allocate(Layouts.AUTH_KEY_SIZE, 8);
            MemorySegment next = a.allocate(Layouts.AUTH_KEY_SIZE, 8);
            MemorySegment value = a.allocate(Layouts.AUTH_VALUE_SIZE, 8);
            MemorySegment cursor = MemorySegment.NULL;
            while (map.nextKey(cursor, next)) {
                key.copyFrom(next);
                cursor = key;
                if (map.lookup(key, value)) {
                    out.put(Layouts.readAuthKey(key, 0), toInstant(Layouts.readAuthValue(value, 0)));
                }
            }
        }
        return out;
    }

    @Override
    public void close() {
        map.close();
    }
}
