package dev.bulwark.agent.datapath.bpf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bulwark.agent.datapath.DatapathConfig;
import dev.bulwark.agent.netns.PodNetwork;
import dev.bulwark.agent.netns.PortServers;
import dev.bulwark.agent.netns.Probe;
import dev.bulwark.model.Cidr;
import dev.bulwark.model.policy.Direction;
import dev.bulwark.model.policy.MapState;
import dev.bulwark.model.policy.PolicyEntry;
import dev.bulwark.model.policy.PolicyKey;
import dev.bulwark.model.policy.Protocols;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Both attach modes enforce the same way, and detaching removes enforcement and pins. */
@org.junit.jupiter.api.Timeout(value = 180, unit = java.util.concurrent.TimeUnit.SECONDS) // never hang CI
class AttachModesPrivilegedIT {

    private static final Duration WAIT = Duration.ofMillis(600);

    static boolean kernelAtLeast(int major, int minor) {
        String[] v = System.getProperty("os.version").split("[.-]");
        int ma = Integer.parseInt(v[0]);
        int mi = Integer.parseInt(v[1]);
        return ma > major || (ma == major && mi >= minor);
    }

    @ParameterizedTest
    @EnumSource(KernelDatapath.AttachMode.class)
    void attachEnforcesAndDetachRemovesEnforcement(KernelDatapath.AttachMode mode) {
        Privileged.assumeKernelDatapath();
        if (mode == KernelDatapath.AttachMode.TCX) {
            boolean tcx = kernelAtLeast(6, 6);
            if (!tcx) {
                System.out.println("SKIPPED tcx case: kernel " + System.getProperty("os.version") + " predates tcx (6.6)");
            }
            org.junit.jupiter.api.Assumptions.assumeTrue(tcx, "tcx needs Linux 6.6+");
        }
        Path root = Privileged.pinRoot("attach-" + mode.name().toLowerCase(java.util.Locale.ROOT));
        KernelDatapath.destroy(root);
        try (PodNetwork net = PodNetwork.create("bwm" + ProcessHandle.current().pid() % 100_000);
             PortServers servers = new PortServers();
             KernelDatapath dp = KernelDatapath.open(root, DatapathConfig.DEFAULT)) {
            dp.useAttachMode(mode);
            PodNetwork.Pod a = net.addPod("a", "10.244.7.1");
            PodNetwork.Pod b = net.addPod("b", "10.244.7.2");
            servers.tcp(b.namespace(), b.ip(), 80);
            servers.tcp(b.namespace(), b.ip(), 81);
            dp.ipcache().reconcile(Map.of(Cidr.parse(a.ip() + "/32"), 2001));
            net.node().call(() -> {
                dp.attach("a", a.hostIfindex()).policy().reconcile(
                        MapState.builder().put(PolicyKey.l3(0, Direction.EGRESS), PolicyEntry.ALLOW).build());
                dp.attach("b", b.hostIfindex()).policy().reconcile(MapState.builder()
                        .put(PolicyKey.l4(2001, Direction.INGRESS, Protocols.TCP, 80), PolicyEntry.ALLOW).build());
                return null;
            });
            assertEquals(mode, dp.attachMode());
            String filters = net.node().exec("tc", "filter", "show", "dev", b.hostInterface(), "ingress");
            assertEquals(mode == KernelDatapath.AttachMode.TC, filters.contains("bpf"), "tc filters: " + filters);
            assertEquals(mode == KernelDatapath.AttachMode.TCX, Files.exists(root.resolve("endpoints/b/link-egress")));
            assertTrue(Probe.tcp(a.namespace(), a.ip(), b.ip(), 80, WAIT).connected());
            assertFalse(Probe.tcp(a.namespace(), a.ip(), b.ip(), 81, WAIT).connected());

            net.node().call(() -> {
                dp.detach("a", a.hostIfindex());
                dp.detach("b", b.hostIfindex());
                return null;
            });
            assertTrue(Probe.tcp(a.namespace(), a.ip(), b.ip(), 81, WAIT).connected(), "no program, no policy");
            assertFalse(Files.exists(root.resolve("endpoints/b")), "endpoint pins removed");
        } finally {
            KernelDatapath.destroy(root);
        }
    }
}
