package dev.bulwark.agent.datapath.bpf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.bulwark.agent.datapath.AuthKey;
import dev.bulwark.model.Cidr;
import dev.bulwark.model.policy.Direction;
import dev.bulwark.model.policy.PolicyEntry;
import dev.bulwark.model.policy.PolicyKey;
import dev.bulwark.model.policy.PortPrefix;
import dev.bulwark.model.policy.Protocols;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Byte-level encoding of the kernel structs: network order where the LPM trie compares bits. */
class LayoutsTest {

    private static byte[] policyKey(PolicyKey k) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment s = a.allocate(Layouts.POLICY_KEY_SIZE);
            Layouts.writePolicyKey(s, 0, k);
            assertEquals(k, Layouts.readPolicyKey(s, 0), "round trip");
            return s.toArray(ValueLayout.JAVA_BYTE);
        }
    }

    @Test
    void policyKeyIsPrefixLengthThenBigEndianIdentityDirectionProtocolBigEndianPort() {
        byte[] b = policyKey(PolicyKey.l4(0x01020304, Direction.EGRESS, Protocols.TCP, 0x1F90));
        // prefixlen 64 in host (little-endian) order, then identity, direction 1, protocol 6, port 8080
        assertArrayEquals(new byte[] {64, 0, 0, 0, 1, 2, 3, 4, 1, 6, 0x1F, (byte) 0x90}, b);
    }

    @Test
    void l3KeyHasPrefix40AndZeroTail() {
        assertArrayEquals(new byte[] {40, 0, 0, 0, 0, 0, 0, 100, 0, 0, 0, 0}, policyKey(PolicyKey.l3(100, Direction.INGRESS)));
    }

    @Test
    void portRangesBecomePrefixesCoveringExactlyTheRange() {
        List<PortPrefix> cover = PortPrefix.cover(53, 80);
        int covered = 0;
        for (PortPrefix p : cover) {
            byte[] b = policyKey(new PolicyKey(7, Direction.INGRESS, Protocols.TCP, p.port(), p.length()));
            assertEquals(48 + p.length(), b[0], "prefix length counts the port's leading bits");
            assertEquals(p.port(), ((b[10] & 0xFF) << 8) | (b[11] & 0xFF), "port in network order");
            covered += p.last() - p.first() + 1;
        }
        assertEquals(28, covered);
        for (int port = 0; port < 65_536; port++) {
            final int q = port;
            boolean inRange = cover.stream().anyMatch(p -> (q & PortPrefix.mask(p.length())) == p.port());
            assertEquals(port >= 53 && port <= 80, inRange, "port " + port);
        }
    }

    @Test
    void policyValueCarriesFlagsProxyPortAndTheKeysPrefixLength() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment s = a.allocate(Layouts.POLICY_VALUE_SIZE);
            PolicyKey k = new PolicyKey(0, Direction.INGRESS, Protocols.UDP, 8080, 12);
            Layouts.writePolicyValue(s, 0, k, new PolicyEntry(false, 15001, true, "ref"));
            assertArrayEquals(new byte[] {(byte) 0x99, 0x3A, 2, 60}, s.toArray(ValueLayout.JAVA_BYTE));
            assertEquals(new PolicyEntry(false, 15001, true, ""), Layouts.readPolicyValue(s, 0));
            Layouts.writePolicyValue(s, 0, PolicyKey.l3(5, Direction.EGRESS), PolicyEntry.DENY);
            assertArrayEquals(new byte[] {0, 0, 1, 40}, s.toArray(ValueLayout.JAVA_BYTE));
        }
    }

    @Test
    void ipcacheKeyIsPrefixLengthThenAddressBytes() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment s = a.allocate(Layouts.IPCACHE_KEY_SIZE);
            Layouts.writeIpcacheKey(s, 0, Cidr.parse("10.244.1.0/24"));
            assertArrayEquals(new byte[] {24, 0, 0, 0, 10, (byte) 244, 1, 0}, s.toArray(ValueLayout.JAVA_BYTE));
            assertEquals(Cidr.parse("10.244.1.0/24"), Layouts.readIpcacheKey(s, 0));
            assertThrows(IllegalArgumentException.class, () -> Layouts.writeIpcacheKey(s, 0, Cidr.parse("fd00::/64")));
        }
    }

    @Test
    void undecodableKeysAreRejectedNotGuessed() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment s = a.allocate(Layouts.POLICY_KEY_SIZE);
            s.set(ValueLayout.JAVA_BYTE, 0, (byte) 44);
            assertThrows(IllegalArgumentException.class, () -> Layouts.readPolicyKey(s, 0));
        }
    }

    @Test
    void possibleCpuListsAreParsed() {
        assertEquals(4, Cpus.count("0-3\n"));
        assertEquals(6, Cpus.count("0,2-5"));
        assertEquals(1, Cpus.count("0"));
    }

    @Test
    void authKeyIsHostOrderIdentitiesNodeTypeAndZeroPad() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment s = a.allocate(Layouts.AUTH_KEY_SIZE);
            AuthKey k = new AuthKey(0x01020304, 0x00000A0B, 0x0102, AuthKey.SPIFFE);
            Layouts.writeAuthKey(s, 0, k);
            assertEquals(k, Layouts.readAuthKey(s, 0));
            // little-endian CPU order (x86, arm64), as the C struct holds them
            assertArrayEquals(new byte[] {4, 3, 2, 1, 0x0B, 0x0A, 0, 0, 2, 1, 1, 0}, s.toArray(ValueLayout.JAVA_BYTE));
            s.set(ValueLayout.JAVA_BYTE, 11, (byte) 1);
            assertThrows(IllegalArgumentException.class, () -> Layouts.readAuthKey(s, 0), "non-zero padding");
        }
    }

    @Test
    void authValueAndEndpointInfoRoundTrip() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment v = a.allocate(Layouts.AUTH_VALUE_SIZE);
            Layouts.writeAuthValue(v, 0, 123_456_789_012L);
            assertEquals(123_456_789_012L, Layouts.readAuthValue(v, 0));
            MemorySegment e = a.allocate(Layouts.ENDPOINT_INFO_SIZE);
            Layouts.writeEndpointInfo(e, 0, 70_000);
            assertEquals(70_000, Layouts.readEndpointInfo(e, 0));
        }
    }
}
