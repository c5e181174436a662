package dev.bulwark.agent.datapath;

import dev.bulwark.agent.policy.MapDiff;
import dev.bulwark.model.Cidr;
import dev.bulwark.model.ReservedIdentity;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/** The model datapath's ipcache: IPv4 longest-prefix match, a miss is world. Not thread-safe. */
public final class InMemoryIpcacheMap implements IpcacheMap {

    private final TreeMap<Cidr, Integer> entries = new TreeMap<>();
    /** (prefix length << 32 | masked address) → identity, for lookups. */
    private final Map<Long, Integer> index = new HashMap<>();

    @Override
    public NavigableMap<Cidr, Integer> read() {
        return Collections.unmodifiableNavigableMap(new TreeMap<>(entries));
    }

    @Override
    public void apply(MapDiff<Cidr, Integer> diff) {
        for (Cidr c : diff.upserts().keySet()) {
            if (!c.isIpv4()) {
                throw new DatapathException("ipcache prefix " + c + ": the datapath holds IPv4 only", 3, null);
            }
        }
        diff.deletes().forEach(c -> {
            entries.remove(c);
            index.remove(slot(c));
        });
        diff.upserts().forEach((c, id) -> {
            entries.put(c, id);
            index.put(slot(c), id);
        });
    }

    /** The identity of {@code addr} (first octet in the top byte). */
    public int identityOf(int addr) {
        for (int len = 32; len >= 0; len--) {
            Integer id = index.get(key(len, addr));
            if (id != null) {
                return id;
            }
        }
        return ReservedIdentity.WORLD.id();
    }

    private static long slot(Cidr c) {
        byte[] b = c.addressBytes();
        int addr = (b[0] & 0xFF) << 24 | (b[1] & 0xFF) << 16 | (b[2] & 0xFF) << 8 | (b[3] & 0xFF);
        return key(c.prefixLength(), addr);
    }

    private static long key(int len, int addr) {
        int masked = len == 0 ? 0 : addr & (int) (0xFFFF_FFFFL << (32 - len));
        return (long) len << 32 | Integer.toUnsignedLong(masked);
    }
}
