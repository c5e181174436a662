package dev.bulwark.cli.agent;

import dev.bulwark.agent.scenario.KernelScenario;
import dev.bulwark.agent.scenario.KernelScenarioRunner;
import dev.bulwark.agent.scenario.KernelVerdict;
import dev.bulwark.model.Cidr;
import dev.bulwark.model.policy.Protocols;
import dev.bulwark.policy.compile.EndpointPolicy;
import dev.bulwark.policy.scenario.CompiledScenario;
import dev.bulwark.policy.scenario.Datapath;
import dev.bulwark.policy.scenario.Probe;
import dev.bulwark.policy.scenario.ProbeResult;
import dev.bulwark.policy.scenario.Verdict;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code bulwark policy verdict --datapath kernel}: the compiled scenario run as real packets by the node
 * agent's {@link KernelScenarioRunner} (namespaces, veths, eBPF programs, real TCP/UDP; SCTP through
 * BPF_PROG_TEST_RUN). Found by the verdict command through ServiceLoader. Prints one note per scenario to
 * stderr saying how the probes ran.
 */
public final class KernelVerdictDatapath implements Datapath {

    private static final Duration PROBE_TIMEOUT = Duration.ofMillis(800);

    @Override
    public String name() {
        return "kernel";
    }

    @Override
    public List<ProbeResult> evaluate(CompiledScenario compiled) throws DatapathUnavailableException {
        var why = KernelScenarioRunner.unavailable();
        if (why.isPresent()) {
            throw new DatapathUnavailableException(why.get() + " (run as root on Linux with bpf() permitted)");
        }
        KernelScenario scenario = convert(compiled);
        List<KernelVerdict> verdicts = new KernelScenarioRunner(PROBE_TIMEOUT).run(scenario);
        long sctp = verdicts.stream().filter(v -> v.method().equals("BPF_PROG_TEST_RUN")).count();
        System.err.printf("kernel: %d probes as real TCP/UDP traffic between network namespaces, %d SCTP probes through "
                + "BPF_PROG_TEST_RUN on the attached programs (this kernel has no SCTP sockets)%n",
                verdicts.size() - sctp, sctp);
        List<ProbeResult> out = new ArrayList<>(verdicts.size());
        for (int i = 0; i < verdicts.size(); i++) {
            out.add(new ProbeResult(compiled.probes().get(i), verdicts.get(i).allowed() ? Verdict.ALLOW : Verdict.DENY));
        }
        return out;
    }

    static KernelScenario convert(CompiledScenario c) throws DatapathUnavailableException {
        List<KernelScenario.Pod> pods = new ArrayList<>();
        for (Map.Entry<String, EndpointPolicy> e : c.endpoints().entrySet()) {
            Cidr ip = c.podIps().get(e.getKey());
            if (ip == null || !ip.isIpv4()) {
                throw new DatapathUnavailableException("pod " + e.getKey() + " has no IPv4 address; the kernel datapath polices IPv4 only");
            }
            pods.add(new KernelScenario.Pod(e.getKey(), host(ip), e.getValue().identity().value(), e.getValue().installed()));
        }
        Map<Cidr, Integer> ipcache = new TreeMap<>();
        c.ipcache().prefixes().forEach((prefix, id) -> {
            if (prefix.isIpv4()) {
                ipcache.put(prefix, id);
            }
        });
        List<KernelScenario.ProbeSpec> probes = new ArrayList<>();
        for (Probe p : c.probes()) {
            if (p.protocol() != Protocols.TCP && p.protocol() != Protocols.UDP && p.protocol() != Protocols.SCTP) {
                throw new DatapathUnavailableException("probe " + p + ": only TCP, UDP and SCTP probes run in kernel mode");
            }
            probes.add(new KernelScenario.ProbeSpec(end(c, p.from()), end(c, p.to()), p.port(), p.protocol()));
        }
        return new KernelScenario(c.scenario().name(), pods, ipcache, probes);
    }

    /** A pod reference stays as is; an outside address is given as a bare IPv4 address. */
    private static String end(CompiledScenario c, String end) throws DatapathUnavailableException {
        if (c.podIps().containsKey(end)) {
            return end;
        }
        Cidr ip = c.address(end);
        if (!ip.isIpv4()) {
            throw new DatapathUnavailableException("probe end " + end + " is not IPv4; the kernel datapath polices IPv4 only");
        }
        return host(ip);
    }

    private static String host(Cidr ip) {
        String s = ip.toString();
        int slash = s.indexOf('/');
        return slash < 0 ? s : s.substring(0, slash);
    }
}
