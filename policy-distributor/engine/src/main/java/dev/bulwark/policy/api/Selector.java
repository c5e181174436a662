package dev.bulwark.policy.api;

import java.util.List;

/**
 * A label selector over identities: the conjunction of its requirements, kept sorted so equal selectors
 * are equal values (the selector cache is keyed by them). No requirements selects every identity, which
 * the compiler writes as the wildcard identity 0. {@link #NONE} selects nothing.
 */
public record Selector(List<Requirement> requirements, boolean none) {

    /** Selects every identity, including world. */
    public static final Selector ALL = new Selector(List.of(), false);
    /** Selects no identity (the {@code none} entity). */
    public static final Selector NONE = new Selector(List.of(), true);

    public Selector {
        requirements = requirements.stream().distinct().sorted().toList();
    }

    public static Selector of(List<Requirement> requirements) {
        return new Selector(requirements, false);
    }

    public boolean isWildcard() {
        return !none && requirements.isEmpty();
    }

    public boolean matches(IdentityLabels labels) {
        if (none) {
            return false;
        }
        for (Requirement r : requirements) {
            if (!r.matches(labels)) {
                return false;
            }
        }
        return true;
    }

    /** The value every selected identity has for {@code key}, if the selector pins one ({@code key=v}). */
    public String pinnedValue(String key) {
        for (Requirement r : requirements) {
            if (r.key().equals(key) && r.operator() == Requirement.Operator.IN && r.values().size() == 1) {
                return r.values().getFirst();
            }
        }
        return null;
    }

    /** A copy with one more requirement. */
    public Selector and(Requirement extra) {
        if (none) {
            return this;
        }
        List<Requirement> all = new java.util.ArrayList<>(requirements);
        all.add(extra);
        return of(all);
    }

    public boolean mentionsKey(String key) {
        return requirements.stream().anyMatch(r -> r.key().equals(key));
    }

    @Override
    public String toString() {
        if (none) {
            return "<none>";
        }
        if (requirements.isEmpty()) {
            return "<all>";
        }
        StringBuilder sb = new StringBuilder();
        for (Requirement r : requirements) {
            if (!sb.isEmpty()) {
                sb.append(", ");
            }
            sb.append(r);
        }
        return sb.toString();
    }
}
