package dev.bulwark.agent.datapath;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * An IPv4 5-tuple as seen on the wire. Addresses are ints with the first octet in the top byte; ports
 * are 0 for protocols without ports.
 */
public record FlowTuple(int saddr, int daddr, int protocol, int sport, int dport) {

    public FlowTuple reversed() {
        return new FlowTuple(daddr, saddr, protocol, dport, sport);
    }

    public static int ipv4(String dotted) {
        try {
            InetAddress a = InetAddress.getByName(dotted);
            if (!(a instanceof Inet4Address)) {
                throw new IllegalArgumentException("not an IPv4 address: " + dotted);
            }
            byte[] b = a.getAddress();
            return (b[0] & 0xFF) << 24 | (b[1] & 0xFF) << 16 | (b[2] & 0xFF) << 8 | (b[3] & 0xFF);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("not an IPv4 address: " + dotted, e);
        }
    }

    public static String ipv4(int addr) {
        return (addr >>> 24) + "." + ((addr >>> 16) & 0xFF) + "." + ((addr >>> 8) & 0xFF) + "." + (addr & 0xFF);
    }

    @Override
    public String toString() {
        return ipv4(saddr) + ":" + sport + " -> " + ipv4(daddr) + ":" + dport + " proto " + protocol;
    }
}
