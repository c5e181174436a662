package dev.bulwark.policy.scenario;

import dev.bulwark.policy.compile.Pod;
import java.util.List;
import java.util.Map;

/**
 * A verdict scenario (shared/scenarios/README.md): a small cluster, policies given verbatim as
 * manifests, and probes with the verdict each flow must get. Immutable.
 *
 * @param file       where it was read from (for messages), "" if not from a file
 * @param namespaces namespace → its labels
 * @param policies   the literal manifests, in order
 */
public record Scenario(String file, String name, String source, Map<String, Map<String, String>> namespaces,
                       List<Pod> pods, List<String> policies, List<Probe> probes) {

    public Scenario {
        namespaces = Map.copyOf(namespaces);
        pods = List.copyOf(pods);
        policies = List.copyOf(policies);
        probes = List.copyOf(probes);
    }
}
