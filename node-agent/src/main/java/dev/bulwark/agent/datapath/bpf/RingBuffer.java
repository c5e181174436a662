package dev.bulwark.agent.datapath.bpf;

import dev.bulwark.agent.datapath.FlowEvent;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.util.function.Consumer;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * Consumer of the {@code events} BPF ring buffer via mmap: page 0 (read-write) holds consumer_pos; from
 * offset PAGE (read-only) come producer_pos's page and the data area mapped twice, so wrapped records
 * are contiguous. Records have an 8-byte header {len | BUSY<<31 | DISCARD<<30, pg_off}, padded to 8.
 * Waits with epoll on the map fd. One consumer thread only.
 */
@SuppressWarnings("restricted") // epoll downcalls
public final class RingBuffer implements AutoCloseable {

    private static final long PAGE = 4096;
    private static final int BUSY = 1 << 31;
    private static final int DISCARD = 1 << 30;
    private static final VarHandle LONG = JAVA_LONG.varHandle();
    private static final VarHandle INT = JAVA_INT.varHandle();

    private static final Linker LINKER = Linker.nativeLinker();
    private static final MethodHandle EPOLL_CREATE = LINKER.downcallHandle(
            LINKER.defaultLookup().findOrThrow("epoll_create1"), FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final MethodHandle EPOLL_CTL = LINKER.downcallHandle(
            LINKER.defaultLookup().findOrThrow("epoll_ctl"), FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS));
    private static final MethodHandle EPOLL_WAIT = LINKER.downcallHandle(
            LINKER.defaultLookup().findOrThrow("epoll_wait"), FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT));

    private final BpfMap map;
    private final MemorySegment consumer;
    private final MemorySegment producerAndData;
    private final long mask;
    private final int epfd;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment epollEvents = arena.allocate(12 * 4, 8);

    public RingBuffer(BpfMap map) {
        if (map.info().type() != MapInfo.TYPE_RINGBUF) {
            throw new IllegalArgumentException(map + " is not a ring buffer");
        }
        this.map = map;
        long size = Integer.toUnsignedLong(map.info().maxEntries());
        this.mask = size - 1;
        this.consumer = Syscalls.mmap(PAGE, Syscalls.PROT_READ | Syscalls.PROT_WRITE, map.fd(), 0);
        this.producerAndData = Syscalls.mmap(PAGE + 2 * size, Syscalls.PROT_READ, map.fd(), PAGE);
        try {
            this.epfd = (int) EPOLL_CREATE.invokeExact(0x80000);
            MemorySegment ev = arena.allocate(12, 8);
            ev.set(JAVA_INT, 0, 1); // EPOLLIN
            if ((int) EPOLL_CTL.invokeExact(epfd, 1, map.fd(), ev) != 0) {
                throw new IllegalStateException("epoll_ctl on the ring buffer failed");
            }
        } catch (RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** Delivers every complete record to {@code sink}; returns how many were consumed. Never blocks. */
    public int drain(Consumer<FlowEvent> sink) {
        long cons = (long) LONG.getAcquire(consumer, 0L);
        int n = 0;
        while (true) {
            long prod = (long) LONG.getAcquire(producerAndData, 0L);
            if (cons >= prod) {
                break;
            }
            long at = PAGE + (cons & mask);
            int header = (int) INT.getAcquire(producerAndData, at);
            if ((header & BUSY) != 0) {
                break;
            }
            int len = header & ~(BUSY | DISCARD);
            if ((header & DISCARD) == 0 && len >= Layouts.EVENT_SIZE) {
                sink.accept(Layouts.readEvent(producerAndData, at + 8));
                n++;
            }
            cons += (len + 8 + 7) & ~7L;
            LONG.setRelease(consumer, 0L, cons);
        }
        return n;
    }

    /** Waits up to {@code timeoutMs} for data (epoll); returns true if the buffer became readable. */
    public boolean await(int timeoutMs) {
        try {
            return (int) EPOLL_WAIT.invokeExact(epfd, epollEvents, 4, timeoutMs) > 0;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    @Override
    public void close() {
        Syscalls.munmap(consumer);
        Syscalls.munmap(producerAndData);
        Syscalls.close(epfd);
        arena.close();
        map.close();
    }
}
