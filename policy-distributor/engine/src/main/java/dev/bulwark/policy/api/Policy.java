package dev.bulwark.policy.api;

import java.util.List;

/** One parsed, validated policy object and the rules it translates to. Immutable. */
public record Policy(PolicyRef ref, List<Rule> rules) {

    public Policy {
        rules = List.copyOf(rules);
    }
}
