package dev.bulwark.model;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * An IPv4 or IPv6 prefix with zero host bits, e.g. {@code 10.0.0.0/8} or {@code fd00::/64}. Parsing
 * never touches DNS: only literals are accepted.
 */
public final class Cidr implements Comparable<Cidr> {

    private final byte[] address;
    private final int prefixLength;

    private Cidr(byte[] address, int prefixLength) {
        this.address = address;
        this.prefixLength = prefixLength;
    }

    /** Parses {@code addr/len}; a bare address is a host prefix (/32 or /128). Host bits must be zero. */
    public static Cidr parse(String text) {
        if (text == null || text.isEmpty()) {
            throw new IllegalArgumentException("empty prefix");
        }
        int slash = text.indexOf('/');
        String addressText = slash < 0 ? text : text.substring(0, slash);
        byte[] bytes = literal(addressText);
        int max = bytes.length * 8;
        int length = max;
        if (slash >= 0) {
            String lengthText = text.substring(slash + 1);
            if (!lengthText.matches("[0-9]{1,3}")) {
                throw new IllegalArgumentException("prefix length \"" + lengthText + "\" is not a number 0.." + max);
            }
            length = Integer.parseInt(lengthText);
            if (length > max) {
                throw new IllegalArgumentException("prefix length " + length + " exceeds " + max);
            }
        }
        Cidr cidr = new Cidr(bytes, length);
        if (!Arrays.equals(cidr.masked(bytes), bytes)) {
            throw new IllegalArgumentException("host bits are set (did you mean " + new Cidr(cidr.masked(bytes), length) + "?)");
        }
        return cidr;
    }

    /** The prefix covering exactly {@code address}. */
    public static Cidr host(InetAddress address) {
        byte[] bytes = address.getAddress();
        return new Cidr(bytes, bytes.length * 8);
    }

    private static byte[] literal(String text) {
        if (text.isEmpty() || !text.matches("[0-9A-Fa-f:.]+")) {
            throw new IllegalArgumentException("\"" + text + "\" is not an IPv4 or IPv6 address");
        }
        try {
            return InetAddress.ofLiteral(text).getAddress();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("\"" + text + "\" is not an IPv4 or IPv6 address");
        }
    }

    private byte[] masked(byte[] bytes) {
        byte[] out = bytes.clone();
        for (int bit = prefixLength; bit < out.length * 8; bit++) {
            out[bit / 8] &= (byte) ~(0x80 >>> (bit % 8));
        }
        return out;
    }

    public boolean isIpv4() {
        return address.length == 4;
    }

    public int prefixLength() {
        return prefixLength;
    }

    /** Network-order address bytes (a copy). */
    public byte[] addressBytes() {
        return address.clone();
    }

    /** True if {@code other} lies inside this prefix (same family, at least as long). */
    public boolean contains(Cidr other) {
        return other.address.length == address.length && other.prefixLength >= prefixLength
                && Arrays.equals(masked(other.address), address);
    }

    /** True if the address lies inside this prefix. */
    public boolean contains(InetAddress ip) {
        return contains(host(ip));
    }

    @Override
    public int compareTo(Cidr o) {
        int c = Integer.compare(address.length, o.address.length);
        if (c == 0) {
            c = Arrays.compareUnsigned(address, o.address);
        }
        return c != 0 ? c : Integer.compare(prefixLength, o.prefixLength);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Cidr c && c.prefixLength == prefixLength && Arrays.equals(c.address, address);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(address) * 31 + prefixLength;
    }

    @Override
    public String toString() {
        try {
            InetAddress ip = InetAddress.getByAddress(address);
            String text = ip instanceof Inet4Address ? ip.getHostAddress() : compressedIpv6();
            return text + "/" + prefixLength;
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException("address of " + address.length + " bytes", e);
        }
    }

    /** RFC 5952 form: lowercase, longest zero run compressed. */
    private String compressedIpv6() {
        int[] groups = new int[8];
        for (int i = 0; i < 8; i++) {
            groups[i] = ((address[2 * i] & 0xff) << 8) | (address[2 * i + 1] & 0xff);
        }
        int bestStart = -1;
        int bestLength = 1;
        for (int i = 0; i < 8; ) {
            int j = i;
            while (j < 8 && groups[j] == 0) {
                j++;
            }
            if (j - i > bestLength) {
                bestStart = i;
                bestLength = j - i;
            }
            i = j == i ? i + 1 : j;
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                sb.append(i == 0 ? "::" : ":");
                i += bestLength - 1;
                continue;
            }
            sb.append(HexFormat.of().toHexDigits((short) groups[i]).replaceFirst("^0+(?=.)", ""));
            if (i < 7) {
                sb.append(':');
            }
        }
        return sb.toString();
    }
}
