package dev.bulwark.policy.api;

import dev.bulwark.model.policy.Direction;
import java.util.List;

/**
 * One normalised rule: the unit the engine indexes and compiles. Every policy kind is translated to
 * these (Kubernetes NetworkPolicy the way Cilium translates it).
 *
 * @param policy       the policy object it came from
 * @param path         where it was written ({@code spec.ingress[0]}, {@code specs[1].egressDeny[0]})
 * @param subject      the endpoints the rule applies to (namespace already folded in)
 * @param direction    ingress or egress, relative to the subject
 * @param action       allow or deny
 * @param isolates     true if the rule puts its subjects into default deny for {@code direction}
 * @param peers        the remote sides; empty means the rule matches no traffic (it only isolates)
 * @param ports        empty = every port of every protocol
 * @param l7           L7 rules (allow rules only)
 * @param authRequired mutual authentication required (allow rules only)
 */
public record Rule(PolicyRef policy, String path, Selector subject, Direction direction, Action action,
                   boolean isolates, List<Peer> peers, List<PortRule> ports, L7Rules l7, boolean authRequired) {

    public Rule {
        peers = List.copyOf(peers);
        ports = List.copyOf(ports);
        if (action == Action.DENY && (!l7.isEmpty() || authRequired)) {
            throw new IllegalArgumentException("deny rules carry no L7 rules or authentication");
        }
    }

    /** {@code NetworkPolicy x/p spec.ingress[0]}: how traces name the rule. */
    public String describe() {
        return policy + " " + path;
    }
}
