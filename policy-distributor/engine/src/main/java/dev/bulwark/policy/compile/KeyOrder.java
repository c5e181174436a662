package dev.bulwark.policy.compile;

import dev.bulwark.model.policy.PolicyKey;
import java.util.Comparator;

/**
 * The order of {@link PolicyKey#compareTo} (identity unsigned, direction, protocol, port, prefix
 * length), written without boxing: the engine's maps compare keys millions of times.
 */
final class KeyOrder implements Comparator<PolicyKey> {

    static final KeyOrder INSTANCE = new KeyOrder();

    private KeyOrder() {
    }

    @Override
    public int compare(PolicyKey a, PolicyKey b) {
        int c = Integer.compareUnsigned(a.remoteIdentity(), b.remoteIdentity());
        if (c != 0) {
            return c;
        }
        c = a.direction().compareTo(b.direction());
        if (c != 0) {
            return c;
        }
        c = Integer.compare(a.protocol(), b.protocol());
        if (c != 0) {
            return c;
        }
        c = Integer.compare(a.port(), b.port());
        return c != 0 ? c : Integer.compare(a.portPrefixLength(), b.portPrefixLength());
    }
}
