package dev.bulwark.agent.datapath;

import dev.bulwark.agent.policy.MapDiff;
import dev.bulwark.model.Cidr;
import java.util.NavigableMap;

/** The node's ipcache: address prefix → identity, longest prefix wins, a miss is world (2). */
public interface IpcacheMap {

    NavigableMap<Cidr, Integer> read();

    /** Applies {@code diff} all-or-nothing. */
    void apply(MapDiff<Cidr, Integer> diff);

    default MapDiff<Cidr, Integer> reconcile(java.util.Map<Cidr, Integer> desired) {
        MapDiff<Cidr, Integer> diff = MapDiff.ipcache(read(), desired);
        if (!diff.isEmpty()) {
            apply(diff);
        }
        return diff;
    }
}
