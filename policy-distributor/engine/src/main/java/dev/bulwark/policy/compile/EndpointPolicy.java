package dev.bulwark.policy.compile;

import dev.bulwark.model.NumericIdentity;
import dev.bulwark.model.policy.MapState;
import dev.bulwark.model.policy.PolicyKey;
import dev.bulwark.policy.api.L7Rules;
import java.util.List;
import java.util.Map;

/**
 * The compiled policy of one endpoint: what is installed in its map, plus what a trace needs.
 *
 * @param endpoint          {@code namespace/name}
 * @param identity          the endpoint's own identity
 * @param installed         the map state the datapath holds (equal to the desired state unless overflowed)
 * @param desiredEntries    how many entries the policy needs
 * @param overflowed        the desired state exceeds the entry limit; {@code installed} is the last good
 *                          state or, under lockdown, empty
 * @param ingressIsolatedBy the rules that make ingress default-deny (empty: ingress not isolated)
 * @param egressIsolatedBy  the rules that make egress default-deny
 * @param l7                L7 rules of each redirecting entry
 */
public record EndpointPolicy(String endpoint, NumericIdentity identity, MapState installed, int desiredEntries,
                             boolean overflowed, List<String> ingressIsolatedBy, List<String> egressIsolatedBy,
                             Map<PolicyKey, L7Rules> l7) {

    public EndpointPolicy {
        ingressIsolatedBy = List.copyOf(ingressIsolatedBy);
        egressIsolatedBy = List.copyOf(egressIsolatedBy);
        l7 = Map.copyOf(l7);
    }
}
