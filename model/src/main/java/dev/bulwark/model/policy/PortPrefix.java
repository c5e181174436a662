package dev.bulwark.model.policy;

import java.util.ArrayList;
import java.util.List;

/**
 * A port prefix: the ports whose leading {@code length} bits equal those of {@code port}. A range
 * {@code [from, to]} is stored as the minimal set of such prefixes, as Cilium stores port ranges in its
 * LPM policy map.
 */
public record PortPrefix(int port, int length) {

    public PortPrefix {
        if (length < 0 || length > 16 || port < 0 || port > 65_535 || (port & ~mask(length)) != 0) {
            throw new IllegalArgumentException("bad port prefix " + port + "/" + length);
        }
    }

    /** The 16-bit mask of a /length prefix. */
    public static int mask(int length) {
        return length == 0 ? 0 : (0xFFFF << (16 - length)) & 0xFFFF;
    }

    /** Minimal prefix cover of {@code [from, to]} (inclusive), ascending. {@code [0, 65535]} is one /0 prefix. */
    public static List<PortPrefix> cover(int from, int to) {
        if (from < 0 || to > 65_535 || from > to) {
            throw new IllegalArgumentException("bad port range " + from + "-" + to);
        }
        List<PortPrefix> out = new ArrayList<>();
        long start = from;
        while (start <= to) {
            int size = 0; // log2 of the block size
            while (size < 16 && (start & ((1L << (size + 1)) - 1)) == 0 && start + (1L << (size + 1)) - 1 <= to) {
                size++;
            }
            out.add(new PortPrefix((int) start, 16 - size));
            start += 1L << size;
        }
        return out;
    }

    public int first() {
        return port;
    }

    public int last() {
        return port | (~mask(length) & 0xFFFF);
    }

    static String describe(int port, int length) {
        if (length == 0) {
            return "*";
        }
        if (length == 16) {
            return Integer.toString(port);
        }
        return port + "-" + (port | (~mask(length) & 0xFFFF));
    }
}
