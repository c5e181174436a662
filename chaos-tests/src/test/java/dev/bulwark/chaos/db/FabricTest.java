package dev.bulwark.chaos.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Bad fabric configuration is refused, naming the field, before anything is created. */
class FabricTest {

    @Test
    void badConfigurationNamesTheFieldAndCreatesNothing() {
        assertEquals("run: 1..4 of [a-z0-9], got 'TOOLONG'",
                assertThrows(IllegalArgumentException.class, () -> new Fabric("TOOLONG", 5, List.of("n1"))).getMessage());
        assertEquals("octet: 0..255, got 300",
                assertThrows(IllegalArgumentException.class, () -> new Fabric("ab", 300, List.of("n1"))).getMessage());
        assertEquals("nodes: 1..9 replicas, got 0",
                assertThrows(IllegalArgumentException.class, () -> new Fabric("ab", 5, List.of())).getMessage());
    }
}
