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
 * cilium.io/v2 CiliumNetworkPolicy and CiliumClusterwideNetworkPolicy ({@code spec} and/or {@code specs}).
 * Namespaced policies pin their endpoint selector and every endpoint peer that names no namespace to
 * the policy's namespace. A direction with any allow or deny rule is default-deny unless
 * {@code enableDefaultDeny} turns that off. A rule with no peers but with ports allows every peer; a
 * rule with neither (the {@code ingress: [{}]} idiom) only isolates.
 */
final class CiliumPolicyParser {

    private static final Set<String> SPEC = Set.of("endpointSelector", "nodeSelector", "ingress", "ingressDeny", "egress",
            "egressDeny", "labels", "description", "enableDefaultDeny", "log");
    private static final Set<String> INGRESS = Set.of("fromEndpoints", "fromCIDR", "fromCIDRSet", "fromEntities", "toPorts",
            "authentication", "fromRequires", "fromGroups", "fromNodes", "icmps");
    private static final Set<String> EGRESS = Set.of("toEndpoints", "toCIDR", "toCIDRSet", "toEntities", "toFQDNs", "toPorts",
            "authentication", "toRequires", "toServices", "toGroups", "toNodes", "icmps");
    private static final Set<String> UNSUPPORTED = Set.of("fromRequires", "fromGroups", "fromNodes", "icmps", "toRequires",
            "toServices", "toGroups", "toNodes", "nodeSelector", "log");
    private static final Set<String> TO_PORTS = Set.of("ports", "rules", "terminatingTLS", "originatingTLS", "serverNames", "listener");
    private static final Set<String> PORT = Set.of("port", "endPort", "protocol");
    private static final Set<String> L7 = Set.of("http", "dns", "kafka", "l7proto", "l7");
    private static final Set<String> HTTP = Set.of("method", "path", "host", "headers", "headerMatches");
    private static final Set<String> DNS = Set.of("matchName", "matchPattern");

    private CiliumPolicyParser() {
    }

    static List<Rule> rules(PolicyRef ref, Node spec) {
        spec.object(SPEC, "a Cilium policy spec");
        unsupported(spec);
        Node selectorNode = spec.get("endpointSelector");
        if (selectorNode.isMissing()) {
            throw selectorNode.error("is required (use {} to select every endpoint)");
        }
        Selector subject = SelectorParser.parse(selectorNode, SelectorParser::ciliumKey);
        if (ref.kind().namespaced()) {
            subject = subject.and(Requirement.equal(SelectorParser.NAMESPACE_KEY, ref.namespace()));
        }
        spec.get("description").optionalString("");
        spec.get("labels").list();
        Node defaults = spec.get("enableDefaultDeny");
        boolean ingressDefault = true;
        boolean egressDefault = true;
        if (!defaults.isMissing()) {
            defaults.object(Set.of("ingress", "egress"), "enableDefaultDeny");
            ingressDefault = defaults.get("ingress").optionalBoolean(true);
            egressDefault = defaults.get("egress").optionalBoolean(true);
        }
        List<Rule> out = new ArrayList<>();
        section(ref, spec.get("ingress"), Direction.INGRESS, Action.ALLOW, ingressDefault, subject, out);
        section(ref, spec.get("ingressDeny"), Direction.INGRESS, Action.DENY, ingressDefault, subject, out);
        section(ref, spec.get("egress"), Direction.EGRESS, Action.ALLOW, egressDefault, subject, out);
        section(ref, spec.get("egressDeny"), Direction.EGRESS, Action.DENY, egressDefault, subject, out);
        return out;
    }

    private static void unsupported(Node node) {
        for (String name : UNSUPPORTED) {
            if (node.has(name)) {
                throw node.get(name).error("is not supported by Bulwark");
            }
        }
    }

    private static void section(PolicyRef ref, Node list, Direction direction, Action action, boolean isolates,
                                Selector subject, List<Rule> out) {
        boolean ingress = direction == Direction.INGRESS;
        for (Node rule : list.list()) {
            Set<String> fields = new java.util.HashSet<>(ingress ? INGRESS : EGRESS);
            if (action == Action.DENY) {
                fields.remove("authentication");
                fields.remove("toFQDNs");
            }
            rule.object(fields, "a Cilium " + (ingress ? "ingress" : "egress") + (action == Action.DENY ? " deny" : "") + " rule");
            unsupported(rule);
            List<Peer> peers = peers(ref, rule, ingress ? "from" : "to");
            List<PortRule> ports = new ArrayList<>();
            L7Rules l7 = L7Rules.NONE;
            List<Node> toPorts = rule.get("toPorts").list();
            for (Node tp : toPorts) {
                tp.object(TO_PORTS, "a toPorts entry");
                for (String tls : List.of("terminatingTLS", "originatingTLS", "serverNames", "listener")) {
                    if (tp.has(tls)) {
                        throw tp.get(tls).error("is not supported by Bulwark");
                    }
                }
                List<Node> portNodes = tp.get("ports").list();
                if (portNodes.isEmpty()) {
                    throw tp.get("ports").error("must list at least one port");
                }
                for (Node port : portNodes) {
                    port.object(PORT, "a port");
                    int protocol = PortParser.protocol(port.get("protocol"), "ANY", true);
                    ports.add(PortParser.port(port, protocol));
                }
                if (tp.has("rules")) {
                    if (action == Action.DENY) {
                        throw tp.get("rules").error("deny rules cannot carry L7 rules");
                    }
                    l7 = l7.merge(l7(tp.get("rules")));
                }
            }
            if (peers.isEmpty() && !toPorts.isEmpty()) {
                peers.add(Peer.of(rule.path(), Selector.ALL));
            }
            boolean auth = false;
            Node authNode = rule.get("authentication");
            if (!authNode.isMissing()) {
                authNode.object(Set.of("mode"), "authentication");
                String mode = authNode.get("mode").string();
                auth = switch (mode) {
                    case "required" -> true;
                    case "disabled" -> false;
                    default -> throw authNode.get("mode").error("\"" + mode + "\": expected required or disabled");
                };
            }
            out.add(new Rule(ref, rule.path(), subject, direction, action, isolates, peers, ports, l7, auth));
        }
    }

    private static List<Peer> peers(PolicyRef ref, Node rule, String prefix) {
        List<Peer> peers = new ArrayList<>();
        for (Node ep : rule.get(prefix + "Endpoints").list()) {
            Selector s = SelectorParser.parse(ep, SelectorParser::ciliumKey);
            boolean names = s.mentionsKey(SelectorParser.NAMESPACE_KEY) || s.mentionsKey("any:io.kubernetes.pod.namespace");
            boolean reserved = s.requirements().stream().anyMatch(r -> r.key().startsWith("reserved:"));
            if (ref.kind().namespaced() && !names && !reserved) {
                s = s.and(Requirement.equal(SelectorParser.NAMESPACE_KEY, ref.namespace()));
            }
            peers.add(Peer.of(ep.path(), s));
        }
        for (Node c : rule.get(prefix + "CIDR").list()) {
            peers.add(PeerParser.cidrPeer(c));
        }
        for (Node c : rule.get(prefix + "CIDRSet").list()) {
            peers.add(PeerParser.cidrSet(c, false));
        }
        for (Node e : rule.get(prefix + "Entities").list()) {
            peers.addAll(PeerParser.entity(e));
        }
        for (Node f : rule.get("toFQDNs").list()) {
            peers.add(fqdn(f));
        }
        return peers;
    }

    private static Peer fqdn(Node node) {
        node.object(DNS, "a toFQDNs entry");
        String name = node.get("matchName").optionalString(null);
        String pattern = node.get("matchPattern").optionalString(null);
        if ((name == null) == (pattern == null)) {
            throw node.error("exactly one of matchName and matchPattern is required");
        }
        String value = (name != null ? name : pattern).toLowerCase(java.util.Locale.ROOT);
        Node at = node.get(name != null ? "matchName" : "matchPattern");
        if (!value.matches("[a-z0-9*]([a-z0-9*.-]*[a-z0-9*.])?") || value.length() > 253 || (name != null && value.contains("*"))) {
            throw at.error("\"" + value + "\" is not a DNS name" + (name != null ? "" : " pattern"));
        }
        String trimmed = value.endsWith(".") ? value.substring(0, value.length() - 1) : value;
        return Peer.of(node.path(), Selector.of(List.of(Requirement.exists("fqdn:" + trimmed))));
    }

    private static L7Rules l7(Node rules) {
        rules.object(L7, "L7 rules");
        for (String name : List.of("kafka", "l7proto", "l7")) {
            if (rules.has(name)) {
                throw rules.get(name).error("is not supported by Bulwark (HTTP and DNS rules are)");
            }
        }
        if (rules.has("http") && rules.has("dns")) {
            throw rules.error("HTTP and DNS rules cannot be mixed on one port");
        }
        List<L7Rules.HttpRule> http = new ArrayList<>();
        for (Node h : rules.get("http").list()) {
            h.object(HTTP, "an HTTP rule");
            if (h.has("headerMatches")) {
                throw h.get("headerMatches").error("is not supported by Bulwark (use headers)");
            }
            String path = h.get("path").optionalString(null);
            if (path != null) {
                try {
                    java.util.regex.Pattern.compile(path);
                } catch (java.util.regex.PatternSyntaxException e) {
                    throw h.get("path").error("not a valid regular expression: " + e.getDescription());
                }
            }
            String method = h.get("method").optionalString(null);
            http.add(new L7Rules.HttpRule(method, path, h.get("host").optionalString(null), h.get("headers").stringList()));
        }
        List<L7Rules.DnsRule> dns = new ArrayList<>();
        for (Node d : rules.get("dns").list()) {
            d.object(DNS, "a DNS rule");
            String name = d.get("matchName").optionalString(null);
            String pattern = d.get("matchPattern").optionalString(null);
            if ((name == null) == (pattern == null)) {
                throw d.error("exactly one of matchName and matchPattern is required");
            }
            dns.add(new L7Rules.DnsRule(name, pattern));
        }
        return new L7Rules(http, dns);
    }

}
