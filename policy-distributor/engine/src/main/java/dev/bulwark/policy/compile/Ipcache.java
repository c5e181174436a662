package dev.bulwark.policy.compile;

import dev.bulwark.model.Cidr;
import dev.bulwark.model.ReservedIdentity;
import dev.bulwark.policy.identity.CidrIdentities;
import java.util.Collections;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * Prefix → identity, looked up by longest prefix as the datapath's ipcache is: pod IPs (host prefixes)
 * beat CIDR identities, and an address nothing covers is {@code world}. Mutable; owned by one engine or
 * built once for a scenario.
 */
public final class Ipcache {

    private final TreeMap<Cidr, Integer> prefixes = new TreeMap<>();

    public void put(Cidr prefix, int identity) {
        prefixes.put(prefix, identity);
    }

    public void remove(Cidr prefix) {
        prefixes.remove(prefix);
    }

    public NavigableMap<Cidr, Integer> prefixes() {
        return Collections.unmodifiableNavigableMap(prefixes);
    }

    /** The identity of {@code address} (a host prefix): longest matching prefix, else world (2). */
    public int lookup(Cidr address) {
        for (int length = address.prefixLength(); length >= 0; length--) {
            Integer id = prefixes.get(length == address.prefixLength() ? address : CidrIdentities.truncate(address, length));
            if (id != null) {
                return id;
            }
        }
        return ReservedIdentity.WORLD.id();
    }

    public Ipcache copy() {
        Ipcache c = new Ipcache();
        c.prefixes.putAll(prefixes);
        return c;
    }
}
