package dev.bulwark.identity;

import java.util.List;

/**
 * The effect of applying one log entry: the next table, one outcome per command (in order) and the
 * watchable changes in revision order.
 */
public record Transition(IdentityTable table, List<Outcome> outcomes, List<IdentityChange> changes) {

    public Transition {
        outcomes = List.copyOf(outcomes);
        changes = List.copyOf(changes);
    }
}
