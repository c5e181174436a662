package dev.bulwark.agent.datapath.bpf;

import dev.bulwark.agent.datapath.AuthKey;
import dev.bulwark.agent.datapath.FlowEvent;
import dev.bulwark.agent.datapath.Reason;
import dev.bulwark.model.Cidr;
import dev.bulwark.model.policy.Direction;
import dev.bulwark.model.policy.PolicyEntry;
import dev.bulwark.model.policy.PolicyKey;
import dev.bulwark.model.policy.Protocols;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteOrder;

/**
 * Byte-exact mirrors of the structs in {@code bulwark.bpf.c}. "Host" fields use the CPU's order, "net"
 * fields big-endian; the LPM tries compare the bytes after the prefix length as one bit string, so
 * identity and port must be big-endian there for prefixes to mean what the model says.
 */
public final class Layouts {

    static final ValueLayout.OfInt HOST_INT = ValueLayout.JAVA_INT_UNALIGNED;
    static final ValueLayout.OfInt NET_INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    static final ValueLayout.OfShort HOST_SHORT = ValueLayout.JAVA_SHORT_UNALIGNED;
    static final ValueLayout.OfShort NET_SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    static final ValueLayout.OfLong HOST_LONG = ValueLayout.JAVA_LONG_UNALIGNED;

    public static final int POLICY_KEY_SIZE = 12;
    public static final int POLICY_VALUE_SIZE = 4;
    public static final int IPCACHE_KEY_SIZE = 8;
    public static final int IPCACHE_VALUE_SIZE = 4;
    public static final int CT_KEY_SIZE = 20;
    public static final int CT_VALUE_SIZE = 24;
    public static final int COUNTER_SIZE = 16;
    public static final int CONFIG_SIZE = 24;
    public static final int EVENT_SIZE = 32;
    public static final int AUTH_KEY_SIZE = 12;
    public static final int AUTH_VALUE_SIZE = 8;
    public static final int ENDPOINT_INFO_SIZE = 4;

    static final int PV_DENY = 1;
    static final int PV_AUTH = 2;

    private Layouts() {
    }

    /** {u32 prefixlen; be32 identity; u8 direction; u8 protocol; be16 port}. Unmatched bits are zero. */
    public static void writePolicyKey(MemorySegment s, long at, PolicyKey k) {
        s.set(HOST_INT, at, k.prefixLength());
        s.set(NET_INT, at + 4, k.remoteIdentity());
        s.set(ValueLayout.JAVA_BYTE, at + 8, (byte) k.direction().ordinal());
        s.set(ValueLayout.JAVA_BYTE, at + 9, (byte) k.protocol());
        s.set(NET_SHORT, at + 10, (short) k.port());
    }

    /** Decodes a policy key; throws IllegalArgumentException for bytes no agent of this version writes. */
    public static PolicyKey readPolicyKey(MemorySegment s, long at) {
        int prefix = s.get(HOST_INT, at);
        int identity = s.get(NET_INT, at + 4);
        int dir = Byte.toUnsignedInt(s.get(ValueLayout.JAVA_BYTE, at + 8));
        int protocol = Byte.toUnsignedInt(s.get(ValueLayout.JAVA_BYTE, at + 9));
        int port = Short.toUnsignedInt(s.get(NET_SHORT, at + 10));
        if (dir > 1) {
            throw new IllegalArgumentException("policy key direction " + dir + " is neither 0 nor 1");
        }
        Direction direction = Direction.values()[dir];
        if (prefix == 40 && protocol == Protocols.ANY && port == 0) {
            return PolicyKey.l3(identity, direction);
        }
        if (prefix < 48 || prefix > 64 || protocol == Protocols.ANY) {
            throw new IllegalArgumentException("policy key prefix length " + prefix + " with protocol " + protocol);
        }
        return new PolicyKey(identity, direction, protocol, port, prefix - 48);
    }

    /** {u16 proxy_port; u8 flags; u8 prefixlen}: the key's prefix length rides along for the C tie-break. */
    public static void writePolicyValue(MemorySegment s, long at, PolicyKey k, PolicyEntry e) {
        s.set(HOST_SHORT, at, (short) e.proxyPort());
        s.set(ValueLayout.JAVA_BYTE, at + 2, (byte) ((e.deny() ? PV_DENY : 0) | (e.authRequired() ? PV_AUTH : 0)));
        s.set(ValueLayout.JAVA_BYTE, at + 3, (byte) k.prefixLength());
    }

    public static PolicyEntry readPolicyValue(MemorySegment s, long at) {
        int proxy = Short.toUnsignedInt(s.get(HOST_SHORT, at));
        int flags = s.get(ValueLayout.JAVA_BYTE, at + 2);
        return new PolicyEntry((flags & PV_DENY) != 0, proxy, (flags & PV_AUTH) != 0, "");
    }

    /** The prefix length stored in a policy value (must equal its key's). */
    public static int readPolicyValuePrefix(MemorySegment s, long at) {
        return Byte.toUnsignedInt(s.get(ValueLayout.JAVA_BYTE, at + 3));
    }

    /** {u32 prefixlen; u8 addr[4]} for IPv4 prefixes only. */
    public static void writeIpcacheKey(MemorySegment s, long at, Cidr prefix) {
        if (!prefix.isIpv4()) {
            throw new IllegalArgumentException("ipcache prefix " + prefix + ": the datapath holds IPv4 only");
        }
        s.set(HOST_INT, at, prefix.prefixLength());
        MemorySegment.copy(prefix.addressBytes(), 0, s, ValueLayout.JAVA_BYTE, at + 4, 4);
    }

    public static Cidr readIpcacheKey(MemorySegment s, long at) {
        int len = s.get(HOST_INT, at);
        byte[] addr = s.asSlice(at + 4, 4).toArray(ValueLayout.JAVA_BYTE);
        try {
            return Cidr.parse(InetAddress.getByAddress(addr).getHostAddress() + "/" + len);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("4 bytes are always an IPv4 address", e);
        }
    }

    public static void writeIpcacheValue(MemorySegment s, long at, int identity) {
        s.set(HOST_INT, at, identity);
    }

    public static int readIpcacheValue(MemorySegment s, long at) {
        return s.get(HOST_INT, at);
    }

    /** {u32 local_identity; u32 remote_identity; u16 remote_node_id; u8 auth_type; u8 pad}, all host order. */
    public static void writeAuthKey(MemorySegment s, long at, AuthKey k) {
        s.set(HOST_INT, at, k.localIdentity());
        s.set(HOST_INT, at + 4, k.remoteIdentity());
        s.set(HOST_SHORT, at + 8, (short) k.remoteNodeId());
        s.set(ValueLayout.JAVA_BYTE, at + 10, (byte) k.authType());
        s.set(ValueLayout.JAVA_BYTE, at + 11, (byte) 0);
    }

    /** Decodes an auth key; throws IllegalArgumentException for bytes no agent of this version writes. */
    public static AuthKey readAuthKey(MemorySegment s, long at) {
        if (s.get(ValueLayout.JAVA_BYTE, at + 11) != 0) {
            throw new IllegalArgumentException("auth key padding is not zero");
        }
        return new AuthKey(s.get(HOST_INT, at), s.get(HOST_INT, at + 4), Short.toUnsignedInt(s.get(HOST_SHORT, at + 8)),
                Byte.toUnsignedInt(s.get(ValueLayout.JAVA_BYTE, at + 10)));
    }

    /** {u64 expiry_ns} on CLOCK_BOOTTIME. */
    public static void writeAuthValue(MemorySegment s, long at, long expiryBootNs) {
        s.set(HOST_LONG, at, expiryBootNs);
    }

    public static long readAuthValue(MemorySegment s, long at) {
        return s.get(HOST_LONG, at);
    }

    /** {u32 identity} (host order), the per-endpoint {@code endpoint} map's one value. */
    public static void writeEndpointInfo(MemorySegment s, long at, int identity) {
        s.set(HOST_INT, at, identity);
    }

    public static int readEndpointInfo(MemorySegment s, long at) {
        return s.get(HOST_INT, at);
    }

    /** {u64 ct_lifetime_tcp_ns; u64 ct_lifetime_other_ns; u32 flags; u32 ct_closing_ms}. */
    public static void writeConfig(MemorySegment s, long tcpLifetimeNs, long otherLifetimeNs, int flags, int closingMs) {
        s.set(HOST_LONG, 0, tcpLifetimeNs);
        s.set(HOST_LONG, 8, otherLifetimeNs);
        s.set(HOST_INT, 16, flags);
        s.set(HOST_INT, 20, closingMs);
    }

    /** Decodes {@code struct flow_event}. Addresses are kept as network-order ints (first octet highest). */
    public static FlowEvent readEvent(MemorySegment s, long at) {
        int reason = Byte.toUnsignedInt(s.get(ValueLayout.JAVA_BYTE, at + 31));
        return new FlowEvent(s.get(HOST_LONG, at), s.get(HOST_INT, at + 8), s.get(NET_INT, at + 12),
                s.get(NET_INT, at + 16), s.get(HOST_INT, at + 20),
                Short.toUnsignedInt(s.get(HOST_SHORT, at + 24)), Short.toUnsignedInt(s.get(HOST_SHORT, at + 26)),
                Byte.toUnsignedInt(s.get(ValueLayout.JAVA_BYTE, at + 28)),
                Direction.values()[s.get(ValueLayout.JAVA_BYTE, at + 29) & 1],
                s.get(ValueLayout.JAVA_BYTE, at + 30) != 0, Reason.byCode(reason));
    }
}
