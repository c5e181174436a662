package dev.bulwark.agent.sync;

import dev.bulwark.agent.datapath.DatapathException;
import dev.bulwark.agent.datapath.PolicyMap;
import dev.bulwark.model.Cidr;
import dev.bulwark.model.policy.MapState;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Moves the datapath from one {@link NodePolicyState} to the next by diffs only. All or nothing across
 * maps: if one map fails, the maps already changed are reconciled back before the error propagates.
 * The kernel datapath holds IPv4 prefixes only; IPv6 ipcache entries are kept in the state and skipped
 * here. Runs on the sync thread.
 */
public final class StateApplier {

    private final NodeDatapath datapath;
    /**
     * Endpoints attached before any state arrived (restored or re-added after a restart): the first state
     * reconciles each of them, also those it does not mention (to deny all, as an attach after a state would).
     */
    private final Set<String> awaitingFirstState = new TreeSet<>();

    public StateApplier(NodeDatapath datapath) {
        this.datapath = datapath;
    }

    public void apply(NodePolicyState from, NodePolicyState to) {
        List<Runnable> undo = new ArrayList<>();
        try {
            Map<Cidr, Integer> oldIp = ipv4(from.ipcache());
            datapath.ipcache().reconcile(ipv4(to.ipcache()));
            undo.add(() -> datapath.ipcache().reconcile(oldIp));
            TreeSet<String> names = new TreeSet<>(from.endpoints().keySet());
            names.addAll(to.endpoints().keySet());
            names.addAll(awaitingFirstState);
            for (String name : names) {
                Optional<PolicyMap> map = datapath.policyMap(name);
                if (map.isEmpty()) {
                    continue; // not on this node (yet): programmed when it is attached
                }
                MapState before = map.get().read();
                map.get().reconcile(stateOf(to, name));
                undo.add(() -> map.get().reconcile(before));
            }
            // After every map succeeded (identities cannot fail for want of room): the auth map's local side.
            for (String name : to.endpoints().keySet()) {
                int identity = to.endpoints().get(name).identity();
                NodePolicyState.EndpointPolicy old = from.endpoints().get(name);
                if (old == null || old.identity() != identity) {
                    datapath.setEndpointIdentity(name, identity);
                }
            }
            for (String name : awaitingFirstState) {
                if (!to.endpoints().containsKey(name)) {
                    datapath.setEndpointIdentity(name, 0);
                }
            }
            awaitingFirstState.clear();
        } catch (DatapathException e) {
            for (Runnable u : undo.reversed()) {
                u.run();
            }
            throw e;
        }
    }

    /**
     * Programs one endpoint that was just attached from the held state. Before the first state arrives
     * (version 0, e.g. right after an agent restart) the map is left as it is: a re-attached endpoint keeps
     * enforcing what its pinned map holds until the distributor says otherwise, instead of being wiped; the
     * first state then reconciles it by diff, whether or not it mentions the endpoint.
     */
    public void attach(NodePolicyState held, String name) {
        if (held.version() == 0) {
            awaitingFirstState.add(name);
            return;
        }
        datapath.policyMap(name).ifPresent(m -> m.reconcile(stateOf(held, name)));
        NodePolicyState.EndpointPolicy ep = held.endpoints().get(name);
        datapath.setEndpointIdentity(name, ep == null ? 0 : ep.identity());
    }

    static MapState stateOf(NodePolicyState s, String name) {
        NodePolicyState.EndpointPolicy ep = s.endpoints().get(name);
        return ep == null ? MapState.EMPTY : ep.state();
    }

    private static Map<Cidr, Integer> ipv4(Map<Cidr, Integer> all) {
        Map<Cidr, Integer> out = new TreeMap<>();
        all.forEach((c, id) -> {
            if (c.isIpv4()) {
                out.put(c, id);
            }
        });
        return out;
    }
}
