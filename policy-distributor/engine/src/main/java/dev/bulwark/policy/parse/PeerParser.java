package dev.bulwark.policy.parse;

import dev.bulwark.model.Cidr;
import dev.bulwark.policy.api.Peer;
import dev.bulwark.policy.api.Requirement;
import dev.bulwark.policy.api.Selector;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Peers that are not plain label selectors: CIDR blocks (with except) and Cilium entities. A CIDR peer
 * selects the CIDR identities carrying the label {@code cidr:<prefix>} and none of the excepted
 * {@code cidr:<except>} labels: every CIDR identity carries the labels of all prefixes that contain it,
 * as Cilium's do, so longest-prefix match in the ipcache plus these selectors give except semantics.
 */
final class PeerParser {

    private static final Set<String> CIDR_SET_FIELDS = Set.of("cidr", "except", "cidrGroupRef", "cidrGroupSelector");

    private PeerParser() {
    }

    static Cidr cidr(Node node, boolean allowBareAddress) {
        String text = node.string();
        Cidr cidr;
        try {
            cidr = Cidr.parse(text);
        } catch (IllegalArgumentException e) {
            throw node.error("\"" + text + "\": " + e.getMessage());
        }
        if (!allowBareAddress && text.indexOf('/') < 0) {
            throw node.error("\"" + text + "\" has no prefix length (write " + cidr + ")");
        }
        return cidr;
    }

    /** {@code ipBlock} / {@code fromCIDRSet} element: {@code cidr} with optional {@code except}. */
    static Peer cidrSet(Node node, boolean networkPolicy) {
        node.object(networkPolicy ? Set.of("cidr", "except") : CIDR_SET_FIELDS, "a CIDR block");
        if (node.has("cidrGroupRef") || node.has("cidrGroupSelector")) {
            throw node.get(node.has("cidrGroupRef") ? "cidrGroupRef" : "cidrGroupSelector")
                    .error("CiliumCIDRGroup references are not supported; write the CIDRs inline");
        }
        Cidr cidr = cidr(node.get("cidr"), !networkPolicy);
        List<Cidr> all = new ArrayList<>();
        all.add(cidr);
        Selector selector = Selector.of(List.of(Requirement.exists("cidr:" + cidr)));
        for (Node e : node.get("except").list()) {
            Cidr except = cidr(e, !networkPolicy);
            if (except.isIpv4() != cidr.isIpv4() || !cidr.contains(except) || except.equals(cidr)) {
                throw e.error("\"" + except + "\" must lie strictly inside " + cidr);
            }
            all.add(except);
            selector = selector.and(Requirement.absent("cidr:" + except));
        }
        return new Peer(node.path(), selector, all);
    }

    /** {@code fromCIDR} / {@code toCIDR} element. */
    static Peer cidrPeer(Node node) {
        Cidr cidr = cidr(node, true);
        return new Peer(node.path(), Selector.of(List.of(Requirement.exists("cidr:" + cidr))), List.of(cidr));
    }

    /** Expands a Cilium entity into the peers (selectors) it stands for. */
    static List<Peer> entity(Node node) {
        String name = node.string();
        String p = node.path();
        return switch (name) {
            case "all" -> List.of(Peer.of(p, Selector.ALL));
            case "none" -> List.of(Peer.of(p, Selector.NONE));
            case "world" -> List.of(reserved(p, "world"), reserved(p, "world-ipv4"), reserved(p, "world-ipv6"));
            case "world-ipv4" -> List.of(reserved(p, "world-ipv4"), Peer.of(p, Selector.of(List.of(
                    Requirement.exists("reserved:world"), Requirement.exists("cidr:0.0.0.0/0")))));
            case "world-ipv6" -> List.of(reserved(p, "world-ipv6"), Peer.of(p, Selector.of(List.of(
                    Requirement.exists("reserved:world"), Requirement.exists("cidr:::/0")))));
            case "cluster" -> List.of(Peer.of(p, Selector.of(List.of(Requirement.exists(SelectorParser.NAMESPACE_KEY)))),
                    reserved(p, "host"), reserved(p, "remote-node"), reserved(p, "init"), reserved(p, "health"),
                    reserved(p, "unmanaged"), reserved(p, "kube-apiserver"), reserved(p, "ingress"));
            case "host", "remote-node", "kube-apiserver", "health", "init", "unmanaged", "ingress" -> List.of(reserved(p, name));
            default -> throw node.error("unknown entity \"" + name + "\": expected one of all, world, world-ipv4, world-ipv6,"
                    + " cluster, host, remote-node, kube-apiserver, health, init, unmanaged, ingress, none");
        };
    }

    private static Peer reserved(String path, String name) {
        return Peer.of(path, Selector.of(List.of(Requirement.exists("reserved:" + name))));
    }
}
