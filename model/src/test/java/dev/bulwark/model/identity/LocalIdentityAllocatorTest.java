package dev.bulwark.model.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bulwark.model.LabelSet;
import dev.bulwark.model.NumericIdentity;
import java.util.List;
import org.junit.jupiter.api.Test;

class LocalIdentityAllocatorTest {

    private static LabelSet cidr(String c) {
        return LabelSet.parse(List.of("cidr:" + c, "reserved:world"));
    }

    @Test
    void allocatesWithLocalFlagAndSameIdForSameSet() {
        LocalIdentityAllocator a = new LocalIdentityAllocator();
        NumericIdentity id = a.allocate(cidr("10.0.0.0/8"));
        assertTrue(id.isLocal());
        assertEquals(NumericIdentity.LOCAL_FLAG | 1, id.value());
        assertEquals(id, a.allocate(cidr("10.0.0.0/8")));
        assertNotEquals(id, a.allocate(cidr("10.1.0.0/16")));
        assertEquals(cidr("10.0.0.0/8"), a.lookup(id).orElseThrow());
    }

    @Test
    void freesOnLastReleaseOnlyAndDoesNotReuseImmediately() {
        LocalIdentityAllocator a = new LocalIdentityAllocator(3);
        NumericIdentity id = a.allocate(cidr("10.0.0.0/8"));
        a.allocate(cidr("10.0.0.0/8"));
        assertFalse(a.release(id));
        assertTrue(a.release(id));
        assertFalse(a.release(id), "releasing again is a no-op");
        assertTrue(a.lookup(cidr("10.0.0.0/8")).isEmpty());
        assertEquals(NumericIdentity.LOCAL_FLAG | 2, a.allocate(cidr("10.2.0.0/16")).value());
    }

    @Test
    void exhaustionIsTyped() {
        LocalIdentityAllocator a = new LocalIdentityAllocator(2);
        a.allocate(cidr("10.0.0.0/8"));
        a.allocate(cidr("11.0.0.0/8"));
        assertThrows(LocalIdentityAllocator.LocalIdentitiesExhaustedException.class, () -> a.allocate(cidr("12.0.0.0/8")));
    }

    @Test
    void rejectsClusterScopeLabels() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new LocalIdentityAllocator().allocate(LabelSet.parse(List.of("app=web"))));
        assertTrue(e.getMessage().contains("cidr: or fqdn:"), e.getMessage());
    }
}
