package dev.bulwark.chaos.workload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class WorkloadTest {

    @Test
    void namedWorkloadsAndTheirKeySpaces() {
        assertEquals(50, Workload.named("register").keys(500, 60));
        assertEquals(200, Workload.named(" WATCH ").keys(500, 60));
        assertTrue(Workload.named("watch").watch());
        assertEquals(12_000, Workload.named("unique").keys(500, 60), "0.4 new label sets per planned operation");
        assertEquals(20_000, Workload.named("unique").keys(500, 3_600), "capped so final reads stay short");
        var e = assertThrows(IllegalArgumentException.class, () -> Workload.named("bank"));
        assertEquals("workload: unknown 'bank' (one of register, unique, watch)", e.getMessage());
    }
}
