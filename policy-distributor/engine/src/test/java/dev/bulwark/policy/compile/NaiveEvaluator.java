package dev.bulwark.policy.compile;

import dev.bulwark.model.Cidr;
import dev.bulwark.model.Label;
import dev.bulwark.model.ReservedIdentity;
import dev.bulwark.model.policy.Direction;
import dev.bulwark.model.policy.Protocols;
import dev.bulwark.policy.api.Action;
import dev.bulwark.policy.api.IdentityLabels;
import dev.bulwark.policy.api.Peer;
import dev.bulwark.policy.api.Policy;
import dev.bulwark.policy.api.PortRule;
import dev.bulwark.policy.api.Rule;
import dev.bulwark.policy.identity.CidrIdentities;
import dev.bulwark.policy.identity.PodIdentityLabels;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The test oracle: decides a flow straight from the rules, with no selector cache, index, map state or
 * longest-prefix match. Deny wins; an endpoint not isolated in a direction allows; otherwise some allow
 * rule must match peer and port. An outside address has the labels of the most specific CIDR any
 * policy names that contains it, else world's. Named ports: ingress resolves against the endpoint's own
 * ports, egress against the peer pod's, and a wildcard peer against every pod's (Cilium's approximation).
 */
final class NaiveEvaluator {

    private final List<Rule> rules = new ArrayList<>();
    private final Map<String, Map<String, String>> namespaces;
    private final Map<String, Pod> pods;
    private final TreeSet<Cidr> cidrs = new TreeSet<>();

    NaiveEvaluator(Collection<Policy> policies, Map<String, Map<String, String>> namespaces, Map<String, Pod> pods) {
        this.namespaces = namespaces;
        this.pods = pods;
        for (Policy p : policies) {
            rules.addAll(p.rules());
            for (Rule r : p.rules()) {
                for (Peer peer : r.peers()) {
                    cidrs.addAll(peer.cidrs());
                }
            }
        }
    }

    boolean allowed(String from, String to, int port, int protocol) {
        IdentityLabels src = labels(from);
        IdentityLabels dst = labels(to);
        boolean ok = true;
        if (pods.containsKey(from)) {
            ok &= side(pods.get(from), src, Direction.EGRESS, dst, pods.get(to), port, protocol);
        }
        if (pods.containsKey(to)) {
            ok &= side(pods.get(to), dst, Direction.INGRESS, src, pods.get(from), port, protocol);
        }
        return ok;
    }

    private IdentityLabels labels(String end) {
        Pod p = pods.get(end);
        if (p != null) {
            return new IdentityLabels(PodIdentityLabels.of(p.namespace(), namespaces.getOrDefault(p.namespace(), Map.of()), p.labels()));
        }
        Cidr ip = Cidr.parse(end);
        Cidr best = null;
        for (Cidr c : cidrs) {
            if (c.contains(ip) && (best == null || c.prefixLength() > best.prefixLength())) {
                best = c;
            }
        }
        if (best != null) {
            return new IdentityLabels(CidrIdentities.labels(best));
        }
        return new IdentityLabels(ReservedIdentity.WORLD.labels(),
                List.of(new Label(Label.SOURCE_CIDR, "0.0.0.0/0", ""), new Label(Label.SOURCE_CIDR, "::/0", "")));
    }

    private boolean side(Pod endpoint, IdentityLabels self, Direction d, IdentityLabels remote, Pod remotePod, int port, int protocol) {
        boolean isolated = false;
        boolean allowed = false;
        for (Rule r : rules) {
            if (r.direction() != d || !r.subject().matches(self)) {
                continue;
            }
            isolated |= r.isolates();
            for (Peer peer : r.peers()) {
                if (!peer.selector().isWildcard() && !peer.selector().matches(remote)) {
                    continue;
                }
                List<NamedPort> named = d == Direction.INGRESS ? endpoint.ports()
                        : peer.selector().isWildcard() ? allPorts() : remotePod == null ? List.of() : remotePod.ports();
                if (portMatches(r, named, port, protocol)) {
                    if (r.action() == Action.DENY) {
                        return false;
                    }
                    allowed = true;
                }
            }
        }
        return !isolated || allowed;
    }

    private List<NamedPort> allPorts() {
        List<NamedPort> out = new ArrayList<>();
        pods.values().forEach(p -> out.addAll(p.ports()));
        return out;
    }

    private static boolean portMatches(Rule r, List<NamedPort> named, int port, int protocol) {
        if (r.ports().isEmpty()) {
            return true;
        }
        for (PortRule p : r.ports()) {
            if (p.isNamed()) {
                for (NamedPort np : named) {
                    if (np.name().equals(p.name()) && np.port() == port && np.protocol() == protocol
                            && (p.protocol() == Protocols.ANY || p.protocol() == protocol)) {
                        return true;
                    }
                }
            } else if ((p.protocol() == Protocols.ANY || p.protocol() == protocol)
                    && (p.port() == 0 || (p.port() <= port && port <= p.endPort()))) {
                return true;
            }
        }
        return false;
    }
}
