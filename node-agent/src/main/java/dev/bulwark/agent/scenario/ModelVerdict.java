package dev.bulwark.agent.scenario;

import dev.bulwark.agent.datapath.InMemoryIpcacheMap;
import dev.bulwark.agent.datapath.FlowTuple;
import dev.bulwark.agent.policy.MapDiff;
import dev.bulwark.model.policy.Direction;
import dev.bulwark.model.policy.PolicyLookup;
import java.util.HashMap;
import java.util.Map;

/**
 * The model's verdict for a probe of a compiled scenario, from the same inputs the kernel runner gets:
 * allowed iff the source pod's egress and the destination pod's ingress both allow (an outside end is not
 * policed). L7 redirects and auth requirements count as allowed (an L3/L4 verdict). Pure.
 */
public final class ModelVerdict {

    private final Map<String, KernelScenario.Pod> pods = new HashMap<>();
    private final InMemoryIpcacheMap ipcache = new InMemoryIpcacheMap();

    public ModelVerdict(KernelScenario scenario) {
        scenario.pods().forEach(p -> pods.put(p.name(), p));
        ipcache.apply(MapDiff.ipcache(Map.of(), scenario.ipcache()));
    }

    public boolean allowed(KernelScenario.ProbeSpec probe) {
        String srcIp = pods.containsKey(probe.from()) ? pods.get(probe.from()).ip() : probe.from();
        String dstIp = pods.containsKey(probe.to()) ? pods.get(probe.to()).ip() : probe.to();
        KernelScenario.Pod src = pods.get(probe.from());
        KernelScenario.Pod dst = pods.get(probe.to());
        if (src != null && !PolicyLookup.decide(src.policy(), ipcache.identityOf(FlowTuple.ipv4(dstIp)), Direction.EGRESS,
                probe.protocol(), probe.port()).allowed()) {
            return false;
        }
        return dst == null || PolicyLookup.decide(dst.policy(), ipcache.identityOf(FlowTuple.ipv4(srcIp)),
                Direction.INGRESS, probe.protocol(), probe.port()).allowed();
    }
}
