package dev.bulwark.model.policy;

import java.util.Comparator;

/**
 * A policy-map key in the datapath's LPM-trie layout: {@code remoteIdentity} (0 = any peer) and
 * {@code direction} always match exactly; {@code protocol} is exact or 0 (any, and then the port is
 * wildcarded too); the port matches on its {@code portPrefixLength} leading bits (16 = one port, 0 = any
 * port), which is how port ranges are stored.
 */
public record PolicyKey(int remoteIdentity, Direction direction, int protocol, int port, int portPrefixLength)
        implements Comparable<PolicyKey> {

    private static final Comparator<PolicyKey> ORDER = Comparator
            .comparing((PolicyKey k) -> Integer.toUnsignedLong(k.remoteIdentity()))
            .thenComparing(PolicyKey::direction)
            .thenComparingInt(PolicyKey::protocol)
            .thenComparingInt(PolicyKey::port)
            .thenComparingInt(PolicyKey::portPrefixLength);

    public PolicyKey {
        if (direction == null) {
            throw new IllegalArgumentException("direction is required");
        }
        if (protocol < 0 || protocol > 255) {
            throw new IllegalArgumentException("protocol " + protocol + " outside 0..255");
        }
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("port " + port + " outside 0..65535");
        }
        if (portPrefixLength < 0 || portPrefixLength > 16) {
            throw new IllegalArgumentException("port prefix length " + portPrefixLength + " outside 0..16");
        }
        if (protocol == Protocols.ANY && portPrefixLength != 0) {
            throw new IllegalArgumentException("a key for any protocol cannot name a port");
        }
        if ((port & ~PortPrefix.mask(portPrefixLength)) != 0) {
            throw new IllegalArgumentException("port " + port + " has bits below its /" + portPrefixLength + " prefix");
        }
    }

    /** All traffic from/to {@code remoteIdentity} in {@code direction}. */
    public static PolicyKey l3(int remoteIdentity, Direction direction) {
        return new PolicyKey(remoteIdentity, direction, Protocols.ANY, 0, 0);
    }

    /** One protocol and exact port (port 0 with prefix 0 = all ports of the protocol). */
    public static PolicyKey l4(int remoteIdentity, Direction direction, int protocol, int port) {
        return new PolicyKey(remoteIdentity, direction, protocol, port, port == 0 ? 0 : 16);
    }

    /**
     * LPM prefix length in bits over {identity 32, direction 8, protocol 8, port 16}: 40 when the
     * protocol is wildcarded, else 48 + the port prefix. Longer means more specific.
     */
    public int prefixLength() {
        return protocol == Protocols.ANY ? 40 : 48 + portPrefixLength;
    }

    /** True if this key covers a flow to {@code flowPort}/{@code flowProtocol} from this key's identity. */
    public boolean matches(int flowProtocol, int flowPort) {
        if (protocol == Protocols.ANY) {
            return true;
        }
        return protocol == flowProtocol && (flowPort & PortPrefix.mask(portPrefixLength)) == port;
    }

    /** True if every flow this key matches is also matched by {@code broader} (same identity and direction). */
    public boolean isCoveredBy(PolicyKey broader) {
        if (broader.remoteIdentity != remoteIdentity || broader.direction != direction) {
            return false;
        }
        if (broader.protocol == Protocols.ANY) {
            return true;
        }
        return broader.protocol == protocol && broader.portPrefixLength <= portPrefixLength
                && (port & PortPrefix.mask(broader.portPrefixLength)) == broader.port;
    }

    @Override
    public int compareTo(PolicyKey o) {
        return ORDER.compare(this, o);
    }

    @Override
    public String toString() {
        String ports = protocol == Protocols.ANY ? "ANY"
                : Protocols.name(protocol) + "/" + PortPrefix.describe(port, portPrefixLength);
        return direction.name().toLowerCase(java.util.Locale.ROOT) + " id=" + Integer.toUnsignedString(remoteIdentity) + " " + ports;
    }
}
