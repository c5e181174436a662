package dev.bulwark.agent.datapath.bpf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bulwark.agent.datapath.DatapathConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The kernel's map layouts equal the Java mirrors, and a pin with another layout is refused loudly. */
@org.junit.jupiter.api.Timeout(value = 180, unit = java.util.concurrent.TimeUnit.SECONDS) // never hang CI
class LayoutCheckPrivilegedIT {

    @Test
    void kernelMapsHaveTheMirroredLayouts() throws Exception {
        Privileged.assumeKernelDatapath();
        Path root = Privileged.pinRoot("layout");
        KernelDatapath.destroy(root);
        try (KernelDatapath dp = KernelDatapath.open(root, DatapathConfig.DEFAULT)) {
            assertEquals(Layouts.IPCACHE_KEY_SIZE, dp.ipcache().map().info().keySize());
            assertEquals(MapInfo.TYPE_LPM_TRIE, dp.ipcache().map().info().type());
            KernelDatapath.Endpoint ep = dp.load("e1");
            MapInfo policy = ep.policy().map().info();
            assertEquals(Layouts.POLICY_KEY_SIZE, policy.keySize());
            assertEquals(Layouts.POLICY_VALUE_SIZE, policy.valueSize());
            assertEquals("policy", policy.name());
            assertEquals(Layouts.CT_KEY_SIZE, dp.conntrack().info().keySize());
            try (BpfMap events = BpfMap.openPinned(root.resolve("events"))) {
                assertEquals(MapInfo.TYPE_RINGBUF, events.info().type());
            }
        } finally {
            KernelDatapath.destroy(root);
        }
    }

    @Test
    void aPinWithAnotherLayoutIsRefusedNotReused() throws Exception {
        Privileged.assumeKernelDatapath();
        Path root = Privileged.pinRoot("badlayout");
        KernelDatapath.destroy(root);
        try {
            Files.createDirectories(root);
            try (BpfMap wrong = BpfMap.create(MapInfo.TYPE_LPM_TRIE, 8, 8, 16, 1, "ipcache")) {
                Pins.pin(wrong.fd(), root.resolve("ipcache"));
            }
            RuntimeException e = assertThrows(RuntimeException.class, () -> KernelDatapath.open(root, DatapathConfig.DEFAULT));
            assertTrue(e.getMessage().contains("libbpf load"), e.getMessage());
            try (BpfMap still = BpfMap.openPinned(root.resolve("ipcache"))) {
                assertEquals(8, still.info().valueSize(), "the foreign pin is left alone");
                IllegalStateException mismatch = assertThrows(IllegalStateException.class,
                        () -> still.info().require(MapInfo.TYPE_LPM_TRIE, Layouts.IPCACHE_KEY_SIZE, Layouts.IPCACHE_VALUE_SIZE));
                assertTrue(mismatch.getMessage().contains("layout mismatch"), mismatch.getMessage());
            }
        } finally {
            KernelDatapath.destroy(root);
        }
    }
}
