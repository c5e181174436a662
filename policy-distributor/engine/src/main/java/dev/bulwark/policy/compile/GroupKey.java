package dev.bulwark.policy.compile;

import dev.bulwark.policy.api.Rule;
import java.util.List;

/**
 * What an endpoint's desired map state is a function of: the rules selecting it (by object: a
 * replaced policy makes new rules, so the old group empties) and its declared named ports. Equal keys,
 * equal states. Hashing by rule object keeps regrouping cheap however large the rules are.
 */
record GroupKey(List<Rule> rules, List<NamedPort> ports) {

    GroupKey {
        rules = List.copyOf(rules);
        ports = List.copyOf(ports);
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof GroupKey k) || k.rules.size() != rules.size() || !k.ports.equals(ports)) {
            return false;
        }
        for (int i = 0; i < rules.size(); i++) {
            if (rules.get(i) != k.rules.get(i)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int hashCode() {
        int h = ports.hashCode();
        for (Rule r : rules) {
            h = 31 * h + System.identityHashCode(r);
        }
        return h;
    }
}
