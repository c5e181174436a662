package dev.bulwark.agent.datapath;

import java.nio.ByteBuffer;

/**
 * Crafted Ethernet/IPv4 frames for BPF_PROG_TEST_RUN: enough of each header for the program's parser
 * (ports are the first four bytes of TCP, UDP and SCTP alike). Pure.
 */
public final class Frames {

    private Frames() {
    }

    /** An Ethernet + IPv4 frame for {@code t} with a minimal L4 header (SYN for TCP). */
    public static byte[] ipv4(FlowTuple t) {
        return ipv4(t, 0x02);
    }

    /** As {@link #ipv4(FlowTuple)} with the given TCP flags (FIN 0x01, SYN 0x02, RST 0x04, ACK 0x10). */
    public static byte[] ipv4(FlowTuple t, int tcpFlags) {
        int l4 = switch (t.protocol()) {
            case 6 -> 20;
            case 17 -> 8;
            case 132 -> 12;
            default -> 8;
        };
        ByteBuffer b = ByteBuffer.allocate(14 + 20 + l4);
        b.put(new byte[] {2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1}); // dst, src MAC
        b.putShort((short) 0x0800);
        b.put((byte) 0x45).put((byte) 0).putShort((short) (20 + l4));
        b.putShort((short) 1).putShort((short) 0x4000); // id, DF
        b.put((byte) 64).put((byte) t.protocol()).putShort((short) 0);
        b.putInt(t.saddr()).putInt(t.daddr());
        if (t.protocol() == 6 || t.protocol() == 17 || t.protocol() == 132) {
            b.putShort((short) t.sport()).putShort((short) t.dport());
            if (t.protocol() == 6) {
                b.putInt(1).putInt(0).put((byte) 0x50).put((byte) tcpFlags).putShort((short) 65535).putInt(0);
            } else if (t.protocol() == 17) {
                b.putShort((short) 8).putShort((short) 0);
            } else {
                b.putInt(0).putInt(0);
            }
        } else {
            b.put((byte) 8).put((byte) 0).putShort((short) 0).putInt(0); // ICMP echo request
        }
        return b.array();
    }

    /** An IPv4 frame that is a non-first fragment (offset 8 bytes). */
    public static byte[] ipv4Fragment(FlowTuple t) {
        byte[] f = ipv4(t);
        f[14 + 6] = 0;
        f[14 + 7] = 1;
        return f;
    }

    /** An ARP request frame (passes the program untouched). */
    public static byte[] arp() {
        ByteBuffer b = ByteBuffer.allocate(14 + 28);
        b.put(new byte[] {-1, -1, -1, -1, -1, -1, 2, 0, 0, 0, 0, 1}).putShort((short) 0x0806);
        b.putShort((short) 1).putShort((short) 0x0800).put((byte) 6).put((byte) 4).putShort((short) 1);
        return b.array();
    }

    /** An IPv6 frame with next header {@code nextHeader} (58 = ICMPv6). */
    public static byte[] ipv6(int nextHeader) {
        ByteBuffer b = ByteBuffer.allocate(14 + 40 + 8);
        b.put(new byte[] {2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1}).putShort((short) 0x86DD);
        b.putInt(0x60000000).putShort((short) 8).put((byte) nextHeader).put((byte) 64);
        return b.array();
    }
}
