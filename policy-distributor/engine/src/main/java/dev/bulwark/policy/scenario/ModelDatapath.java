package dev.bulwark.policy.scenario;

import dev.bulwark.model.policy.Direction;
import dev.bulwark.model.policy.MapState;
import dev.bulwark.model.policy.PolicyLookup;
import dev.bulwark.policy.compile.EndpointPolicy;
import java.util.ArrayList;
import java.util.List;

/**
 * The default datapath: each probe decided by {@link PolicyLookup#decide} over the compiled maps,
 * exactly as the eBPF program decides it. Identities come from the ipcache by longest prefix. A flow is
 * allowed only if the source pod's egress map (when the source is a pod) and the destination pod's
 * ingress map (when the destination is a pod) both allow it.
 */
public final class ModelDatapath implements Datapath {

    /** Both sides of one flow's decision; a side is null when that end is not a pod. */
    public record FlowDecision(int sourceIdentity, int destinationIdentity, PolicyLookup.Decision egress,
                               PolicyLookup.Decision ingress) {
        public Verdict verdict() {
            boolean allowed = (egress == null || egress.allowed()) && (ingress == null || ingress.allowed());
            return allowed ? Verdict.ALLOW : Verdict.DENY;
        }
    }

    @Override
    public String name() {
        return "model";
    }

    @Override
    public List<ProbeResult> evaluate(CompiledScenario scenario) {
        List<ProbeResult> out = new ArrayList<>(scenario.probes().size());
        for (Probe p : scenario.probes()) {
            out.add(new ProbeResult(p, decide(scenario, p.from(), p.to(), p.port(), p.protocol()).verdict()));
        }
        return out;
    }

    /** Decides one flow from {@code from} to {@code to} (pod refs or IPs). */
    public static FlowDecision decide(CompiledScenario s, String from, String to, int port, int protocol) {
        int src = s.ipcache().lookup(s.address(from));
        int dst = s.ipcache().lookup(s.address(to));
        EndpointPolicy srcPolicy = s.endpoints().get(from);
        EndpointPolicy dstPolicy = s.endpoints().get(to);
        PolicyLookup.Decision egress = srcPolicy == null ? null : decide(srcPolicy.installed(), dst, Direction.EGRESS, protocol, port);
        PolicyLookup.Decision ingress = dstPolicy == null ? null : decide(dstPolicy.installed(), src, Direction.INGRESS, protocol, port);
        return new FlowDecision(src, dst, egress, ingress);
    }

    private static PolicyLookup.Decision decide(MapState state, int remote, Direction d, int protocol, int port) {
        return PolicyLookup.decide(state, remote, d, protocol, port);
    }
}
