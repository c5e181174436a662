package dev.bulwark.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class CidrTest {

    @Test
    void parsesAndPrintsBothFamilies() {
        assertEquals("10.0.0.0/8", Cidr.parse("10.0.0.0/8").toString());
        assertEquals("10.1.2.3/32", Cidr.parse("10.1.2.3").toString());
        assertEquals("fd00::/64", Cidr.parse("FD00:0:0:0::/64").toString());
        assertEquals("2001:db8::1/128", Cidr.parse("2001:db8:0:0:0:0:0:1").toString());
        assertEquals("::/0", Cidr.parse("::/0").toString());
        assertEquals("0.0.0.0/0", Cidr.parse("0.0.0.0/0").toString());
    }

    @Test
    void rejectsHostBitsAndGarbageWithoutDns() {
        var e = assertThrows(IllegalArgumentException.class, () -> Cidr.parse("10.0.0.1/8"));
        assertTrue(e.getMessage().contains("10.0.0.0/8"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Cidr.parse("example.com/8"));
        assertThrows(IllegalArgumentException.class, () -> Cidr.parse("10.0.0.0/x"));
        assertThrows(IllegalArgumentException.class, () -> Cidr.parse("10.0.0.0/33"));
        assertThrows(IllegalArgumentException.class, () -> Cidr.parse("::/129"));
        assertThrows(IllegalArgumentException.class, () -> Cidr.parse("256.1.1.1/32"));
    }

    @Test
    void containment() {
        Cidr net = Cidr.parse("10.0.0.0/8");
        assertTrue(net.contains(Cidr.parse("10.1.0.0/16")));
        assertTrue(net.contains(net));
        assertFalse(net.contains(Cidr.parse("11.0.0.0/16")));
        assertFalse(Cidr.parse("10.1.0.0/16").contains(net));
        assertFalse(net.contains(Cidr.parse("::/0")));
    }
}
