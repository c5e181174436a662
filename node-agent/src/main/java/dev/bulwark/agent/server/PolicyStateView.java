package dev.bulwark.agent.server;

import dev.bulwark.agent.sync.NodeDatapath;
import dev.bulwark.agent.sync.NodePolicyState;
import dev.bulwark.model.policy.PolicyEntry;
import dev.bulwark.model.policy.PolicyKey;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Collection;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/**
 * The body of {@code GET /v1/policy}: the acknowledged version and, per attached endpoint, the identity the
 * held state gives it and the entries its policy map holds as read back from the datapath (not from the
 * held state), plus the ipcache as the datapath holds it. Read-only; must run on the sync thread so the
 * version and the maps are one consistent snapshot (nothing is applied in between). External checkers
 * (the chaos convergence workload) compare this with an independently compiled expectation.
 */
final class PolicyStateView {

    private PolicyStateView() {
    }

    static JsonObject render(String node, NodePolicyState held, NodeDatapath datapath, Collection<String> attached) {
        JsonObject endpoints = new JsonObject();
        for (String name : new TreeSet<>(attached)) {
            JsonArray entries = new JsonArray();
            datapath.policyMap(name).ifPresent(m -> {
                for (Map.Entry<PolicyKey, PolicyEntry> e : m.read().entries().entrySet()) {
                    entries.add(entry(e.getKey(), e.getValue()));
                }
            });
            NodePolicyState.EndpointPolicy ep = held.endpoints().get(name);
            endpoints.put(name, new JsonObject().put("identity", ep == null ? 0L : Integer.toUnsignedLong(ep.identity()))
                    .put("entries", entries));
        }
        JsonObject ipcache = new JsonObject();
        datapath.ipcache().read().forEach((cidr, id) -> ipcache.put(cidr.toString(), Integer.toUnsignedLong(id)));
        return new JsonObject().put("node", node).put("version", held.version()).put("endpoints", endpoints)
                .put("ipcache", ipcache);
    }

    /** The same field names as {@code bulwark policy compile -o json} (minus the rule, which the maps do not hold). */
    private static JsonObject entry(PolicyKey k, PolicyEntry v) {
        return new JsonObject().put("direction", k.direction().name().toLowerCase(Locale.ROOT))
                .put("identity", Integer.toUnsignedString(k.remoteIdentity())).put("protocol", k.protocol())
                .put("port", k.port()).put("portPrefixLength", k.portPrefixLength()).put("deny", v.deny())
                .put("proxyPort", v.proxyPort()).put("authRequired", v.authRequired());
    }
}
