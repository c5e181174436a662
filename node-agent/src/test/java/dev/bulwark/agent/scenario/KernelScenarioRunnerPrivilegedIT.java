package dev.bulwark.agent.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bulwark.agent.datapath.bpf.Privileged;
import dev.bulwark.model.Cidr;
import dev.bulwark.model.policy.Direction;
import dev.bulwark.model.policy.MapState;
import dev.bulwark.model.policy.PolicyEntry;
import dev.bulwark.model.policy.PolicyKey;
import dev.bulwark.model.policy.PortPrefix;
import dev.bulwark.model.policy.Protocols;
import dev.bulwark.testkit.Seeds;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

/** Kernel verdict mode gives the model's verdicts on generated compiled scenarios, and leaves nothing behind. */
@org.junit.jupiter.api.Timeout(value = 180, unit = java.util.concurrent.TimeUnit.SECONDS) // never hang CI
class KernelScenarioRunnerPrivilegedIT {

    private static final String[] IPS = {"10.244.1.1", "10.244.1.2", "10.244.2.1", "10.244.3.1"};
    private static final String OUTSIDE = "192.0.2.10";

    @Test
    void kernelVerdictsEqualTheModelsOnGeneratedScenarios() throws Exception {
        Privileged.assumeKernelDatapath();
        Seeds.run("kernel scenario vs model", rnd -> {
            for (int round = 0; round < 2; round++) {
                KernelScenario s = randomScenario(rnd);
                ModelVerdict model = new ModelVerdict(s);
                List<KernelVerdict> verdicts = new KernelScenarioRunner(Duration.ofMillis(600)).run(s);
                assertEquals(s.probes().size(), verdicts.size());
                int allowed = 0;
                for (KernelVerdict v : verdicts) {
                    assertEquals(model.allowed(v.probe()), v.allowed(), v.probe() + " " + v + "\npods: " + s.pods());
                    if (v.allowed()) {
                        allowed++;
                    } else if (!v.method().equals("BPF_PROG_TEST_RUN")) {
                        assertTrue(v.reason() != null, "a dropped probe has a drop event: " + v);
                    }
                }
                System.out.println("scenario round " + round + ": " + verdicts.size() + " probes, " + allowed + " allowed, all equal to the model");
                assertNamespacesAndPinsGone();
            }
        });
    }

    private static void assertNamespacesAndPinsGone() throws Exception {
        String prefix = "bwv" + ProcessHandle.current().pid() % 100_000;
        if (Files.isDirectory(Path.of("/run/netns"))) {
            try (var s = Files.list(Path.of("/run/netns"))) {
                assertFalse(s.anyMatch(p -> p.getFileName().toString().startsWith(prefix)), "namespaces left behind");
            }
        }
        assertFalse(Files.exists(Path.of("/sys/fs/bpf", prefix)), "pins left behind");
    }

    private static KernelScenario randomScenario(RandomGenerator rnd) {
        List<KernelScenario.Pod> pods = new ArrayList<>();
        Map<Cidr, Integer> ipcache = new HashMap<>();
        for (int i = 0; i < IPS.length; i++) {
            ipcache.put(Cidr.parse(IPS[i] + "/32"), 1000 + i);
        }
        ipcache.put(Cidr.parse("192.0.2.0/24"), 16_777_217);
        for (int i = 0; i < IPS.length; i++) {
            pods.add(new KernelScenario.Pod("ns/p" + i, IPS[i], 1000 + i, randomPolicy(rnd)));
        }
        List<KernelScenario.ProbeSpec> probes = new ArrayList<>();
        List<String> ends = new ArrayList<>();
        pods.forEach(p -> ends.add(p.name()));
        ends.add(OUTSIDE);
        for (String from : ends) {
            for (String to : ends) {
                if (from.equals(to) || (from.equals(OUTSIDE) && to.equals(OUTSIDE))) {
                    continue;
                }
                int port = rnd.nextBoolean() ? 80 : 81;
                for (int proto : new int[] {Protocols.TCP, Protocols.UDP, Protocols.SCTP}) {
                    probes.add(new KernelScenario.ProbeSpec(from, to, port, proto));
                }
            }
        }
        return new KernelScenario("generated", pods, ipcache, probes);
    }

    private static MapState randomPolicy(RandomGenerator rnd) {
        MapState.Builder b = MapState.builder();
        for (Direction dir : Direction.values()) {
            switch (rnd.nextInt(4)) {
                case 0 -> b.put(PolicyKey.l3(0, dir), PolicyEntry.ALLOW); // not isolated
                case 1 -> { } // isolated, nothing allowed
                default -> {
                    for (int i = 0; i < 3; i++) {
                        int identity = switch (rnd.nextInt(4)) {
                            case 0 -> 0;
                            case 1 -> 16_777_217;
                            default -> 1000 + rnd.nextInt(IPS.length);
                        };
                        int proto = new int[] {Protocols.TCP, Protocols.UDP, Protocols.SCTP}[rnd.nextInt(3)];
                        PortPrefix range = PortPrefix.cover(80, 81).getFirst();
                        PolicyKey key = rnd.nextBoolean() ? PolicyKey.l4(identity, dir, proto, 80 + rnd.nextInt(2))
                                : new PolicyKey(identity, dir, proto, range.port(), range.length());
                        b.put(key, rnd.nextInt(5) == 0 ? PolicyEntry.DENY : PolicyEntry.ALLOW);
                    }
                }
            }
        }
        return b.build();
    }
}
