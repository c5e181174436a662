package dev.bulwark.policy.distribution.pipeline;

import dev.bulwark.model.policy.MapState;
import dev.bulwark.policy.distribution.source.KubeObject;
import java.util.List;
import java.util.Map;

/**
 * The policy engine as the pipeline sees it: policies plus endpoints (with identities and namespace
 * labels) in, per-endpoint map state out, plus the CIDR prefixes the policies need in the ipcache and a
 * problem per policy that could not be used (that policy contributes nothing; the others still apply).
 * Must be a pure function of its input.
 */
public interface PolicyCompilation {

    Compiled compile(List<KubeObject> policies, Map<String, Map<String, String>> namespaceLabels, List<Workload> workloads);

    /**
     * @param mapStates  endpoint name → map state, for every workload given
     * @param cidrPrefixes CIDR prefix → the (local) identity the compiled state uses for it
     * @param problems   policy → why it was rejected (path-qualified message)
     */
    record Compiled(Map<String, MapState> mapStates, Map<String, Integer> cidrPrefixes,
                    Map<KubeObject.Key, String> problems) {
        public Compiled {
            mapStates = Map.copyOf(mapStates);
            cidrPrefixes = Map.copyOf(cidrPrefixes);
            problems = Map.copyOf(problems);
        }
    }
}
