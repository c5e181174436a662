package dev.bulwark.policy.scenario;

import dev.bulwark.model.Cidr;
import dev.bulwark.policy.api.Policy;
import dev.bulwark.policy.compile.EndpointPolicy;
import dev.bulwark.policy.compile.Ipcache;
import java.util.List;
import java.util.Map;

/**
 * A scenario compiled: what any datapath needs to decide its probes. Immutable.
 *
 * @param endpoints per pod ({@code namespace/name}), its compiled policy and installed map state
 * @param ipcache   prefix → identity: pod IPs, CIDR identities; anything else is world
 * @param podIps    pod → its IP
 * @param policies  the parsed policies, in scenario order
 */
public record CompiledScenario(Scenario scenario, Map<String, EndpointPolicy> endpoints, Ipcache ipcache,
                               Map<String, Cidr> podIps, List<Policy> policies) {

    public CompiledScenario {
        endpoints = java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(endpoints));
        podIps = Map.copyOf(podIps);
        policies = List.copyOf(policies);
        ipcache = ipcache.copy();
    }

    public List<Probe> probes() {
        return scenario.probes();
    }

    /** The address of a probe end: the pod's IP, or the literal IP. */
    public Cidr address(String end) {
        Cidr ip = podIps.get(end);
        return ip != null ? ip : Cidr.parse(end);
    }
}
