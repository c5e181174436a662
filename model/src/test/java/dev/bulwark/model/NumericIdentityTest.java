package dev.bulwark.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class NumericIdentityTest {

    @Test
    void reservedIdentitiesMatchCilium() {
        assertEquals(1, ReservedIdentity.HOST.id());
        assertEquals(2, ReservedIdentity.WORLD.id());
        assertEquals(6, ReservedIdentity.REMOTE_NODE.id());
        assertEquals(10, ReservedIdentity.WORLD_IPV6.id());
        assertEquals(ReservedIdentity.KUBE_APISERVER, ReservedIdentity.byLabelName("kube-apiserver").orElseThrow());
        assertTrue(NumericIdentity.of(4).isReserved());
        assertFalse(NumericIdentity.of(11).isReserved());
        assertTrue(NumericIdentity.of(200).isUserReserved());
    }

    @Test
    void clusterRangesFollowTheClusterMeshLayout() {
        IdentityLayout d = IdentityLayout.DEFAULT;
        assertEquals(256, d.minIdentity(0));
        assertEquals(65_535, d.maxIdentity(0));
        assertEquals(65_536, d.minIdentity(1));
        assertEquals(131_071, d.maxIdentity(1));
        assertEquals(255 << 16, d.minIdentity(255));
        assertEquals((1 << 24) - 1, d.maxIdentity(255));
        IdentityLayout e = IdentityLayout.EXTENDED;
        assertEquals(15, e.localBits());
        assertEquals(511 << 15, e.minIdentity(511));
        assertEquals((1 << 24) - 1, e.maxIdentity(511));
        assertEquals(3, NumericIdentity.of(d.minIdentity(3) + 17).clusterId(d));
        var error = assertThrows(IllegalArgumentException.class, () -> d.minIdentity(256));
        assertTrue(error.getMessage().contains("0..255"), error.getMessage());
    }

    @Test
    void localIdentitiesCarryBit24() {
        NumericIdentity local = NumericIdentity.of(NumericIdentity.LOCAL_FLAG | 5);
        assertTrue(local.isLocal());
        assertEquals(0, local.clusterId(IdentityLayout.DEFAULT));
        assertThrows(IllegalArgumentException.class, () -> NumericIdentity.of(2 << 24));
        assertTrue(NumericIdentity.of(2).compareTo(local) < 0);
    }
}
