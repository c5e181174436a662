package dev.bulwark.policy.distribution.state;

import dev.bulwark.model.policy.PolicyEntry;
import dev.bulwark.model.policy.PolicyKey;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * The order-independent digest of a node's state, as documented on {@code PolicyDelta.state_digest}: the
 * sum modulo 2^64 of {@code mix64(fnv1a64(line))} over one canonical line per ipcache entry, endpoint and
 * map entry. A sum (not a hash of a sorted list) so that holders can keep it incrementally: adding an
 * item adds its term, removing it subtracts it.
 */
public final class StateDigest {

    private static final long FNV_OFFSET = 0xcbf29ce484222325L;
    private static final long FNV_PRIME = 0x100000001b3L;

    private StateDigest() {
    }

    public static long ipcacheTerm(String prefix, IpcacheMapping mapping) {
        return term("ip|" + prefix + "|" + Integer.toUnsignedString(mapping.identity()) + "|" + mapping.nodeName());
    }

    public static long endpointHeaderTerm(String name, int identity, List<String> ips) {
        return term("ep|" + name + "|" + Integer.toUnsignedString(identity) + "|" + String.join(",", ips));
    }

    /** Direction, verdict and auth use their proto enum numbers so agents can compute it from the wire. */
    public static long mapEntryTerm(String endpoint, PolicyKey key, PolicyEntry entry) {
        int direction = key.direction().ordinal() + 1;
        int verdict = entry.deny() ? 2 : 1;
        int auth = entry.authRequired() ? 1 : 0;
        return term("me|" + endpoint + "|" + Integer.toUnsignedString(key.remoteIdentity()) + "|" + direction
                + "|" + key.protocol() + "|" + key.port() + "|" + key.portPrefixLength() + "|" + verdict
                + "|" + entry.proxyPort() + "|" + auth);
    }

    /** The digest of a whole node view (sum of its terms). */
    public static long of(NodeView view) {
        long sum = 0;
        for (Map.Entry<String, IpcacheMapping> e : view.ipcache().entrySet()) {
            sum += ipcacheTerm(e.getKey(), e.getValue());
        }
        for (EndpointState endpoint : view.endpoints().values()) {
            sum += endpoint.digest();
        }
        return sum;
    }

    static long term(String line) {
        long h = FNV_OFFSET;
        for (byte b : line.getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xff;
            h *= FNV_PRIME;
        }
        return mix64(h);
    }

    private static long mix64(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
