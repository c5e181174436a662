package dev.bulwark.policy.parse;

import dev.bulwark.model.policy.Direction;
import dev.bulwark.policy.api.Action;
import dev.bulwark.policy.api.L7Rules;
import dev.bulwark.policy.api.Peer;
import dev.bulwark.policy.api.PolicyRef;
import dev.bulwark.policy.api.PortRule;
import dev.bulwark.policy.api.Requirement;
import dev.bulwark.policy.api.Rule;
import dev.bulwark.policy.api.Selector;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * networking.k8s.io/v1 NetworkPolicy, translated as Cilium translates it (pkg/k8s/network_policy.go):
 * the pod selector and pod peers get the policy's namespace, namespace selectors select pods by their
 * {@code io.cilium.k8s.namespace.labels.*} labels, ipBlock becomes a CIDR peer with except, a rule with
 * no peers allows every source, a policy type with no rules denies everything in that direction.
 */
final class NetworkPolicyParser {

    private static final Set<String> SPEC = Set.of("podSelector", "policyTypes", "ingress", "egress");
    private static final Set<String> INGRESS = Set.of("from", "ports");
    private static final Set<String> EGRESS = Set.of("to", "ports");
    private static final Set<String> PEER = Set.of("podSelector", "namespaceSelector", "ipBlock");
    private static final Set<String> PORT = Set.of("protocol", "port", "endPort");

    private NetworkPolicyParser() {
    }

    static List<Rule> rules(PolicyRef ref, Node spec) {
        spec.object(SPEC, "a NetworkPolicy spec");
        if (spec.get("podSelector").isMissing()) {
            throw spec.get("podSelector").error("is required (use {} to select every pod in the namespace)");
        }
        Selector subject = SelectorParser.parse(spec.get("podSelector"), SelectorParser::k8sKey)
                .and(Requirement.equal(SelectorParser.NAMESPACE_KEY, ref.namespace()));
        boolean ingress = true;
        boolean egress = !spec.get("egress").list().isEmpty();
        Node types = spec.get("policyTypes");
        if (!types.isMissing()) {
            ingress = false;
            egress = false;
            for (Node t : types.list()) {
                switch (t.string()) {
                    case "Ingress" -> ingress = dup(t, ingress);
                    case "Egress" -> egress = dup(t, egress);
                    default -> throw t.error("\"" + t.string() + "\": expected Ingress or Egress");
                }
            }
        }
        List<Rule> out = new ArrayList<>();
        direction(ref, spec.get("ingress"), "from", INGRESS, Direction.INGRESS, ingress, subject, out);
        direction(ref, spec.get("egress"), "to", EGRESS, Direction.EGRESS, egress, subject, out);
        return out;
    }

    private static boolean dup(Node t, boolean seen) {
        if (seen) {
            throw t.error("\"" + t.string() + "\" is listed twice");
        }
        return true;
    }

    private static void direction(PolicyRef ref, Node rules, String peersField, Set<String> fields, Direction direction,
                                  boolean enforced, Selector subject, List<Rule> out) {
        List<Node> list = rules.list();
        List<Rule> parsed = new ArrayList<>();
        for (Node rule : list) {
            rule.object(fields, "a NetworkPolicy " + direction.name().toLowerCase(java.util.Locale.ROOT) + " rule");
            List<Peer> peers = new ArrayList<>();
            List<Node> peerNodes = rule.get(peersField).list();
            if (peerNodes.isEmpty()) {
                peers.add(Peer.of(rule.path(), Selector.ALL));
            }
            for (Node peer : peerNodes) {
                peers.add(peer(ref, peer));
            }
            List<PortRule> ports = new ArrayList<>();
            for (Node port : rule.get("ports").list()) {
                port.object(PORT, "a NetworkPolicy port");
                int protocol = PortParser.protocol(port.get("protocol"), "TCP", false);
                ports.add(PortParser.port(port, protocol));
            }
            parsed.add(new Rule(ref, rule.path(), subject, direction, Action.ALLOW, true, peers, ports, L7Rules.NONE, false));
        }
        if (!enforced) {
            return; // rules of a direction not in policyTypes are validated but ignored, as Kubernetes does
        }
        if (parsed.isEmpty()) {
            out.add(new Rule(ref, "spec.policyTypes", subject, direction, Action.ALLOW, true, List.of(), List.of(), L7Rules.NONE, false));
        }
        out.addAll(parsed);
    }

    private static Peer peer(PolicyRef ref, Node node) {
        node.object(PEER, "a NetworkPolicy peer");
        boolean pods = node.has("podSelector");
        boolean namespaces = node.has("namespaceSelector");
        if (node.has("ipBlock")) {
            if (pods || namespaces) {
                throw node.error("ipBlock cannot be combined with podSelector or namespaceSelector");
            }
            return PeerParser.cidrSet(node.get("ipBlock"), true);
        }
        if (!pods && !namespaces) {
            throw node.error("a peer needs podSelector, namespaceSelector or ipBlock");
        }
        List<Requirement> reqs = new ArrayList<>();
        if (pods) {
            reqs.addAll(SelectorParser.parse(node.get("podSelector"), SelectorParser::k8sKey).requirements());
        }
        if (namespaces) {
            reqs.addAll(SelectorParser.parse(node.get("namespaceSelector"), SelectorParser::namespaceKey).requirements());
            reqs.add(Requirement.exists(SelectorParser.NAMESPACE_KEY));
        } else {
            reqs.add(Requirement.equal(SelectorParser.NAMESPACE_KEY, ref.namespace()));
        }
        return Peer.of(node.path(), Selector.of(reqs));
    }
}
