package dev.bulwark.policy.api;

import java.util.List;

/**
 * One term of a label selector. {@code key} is source-qualified: {@code k8s:app}, {@code reserved:host},
 * {@code cidr:10.0.0.0/8}, or {@code any:app} (a label of that key from any source).
 *
 * @param values sorted, distinct; non-empty for IN/NOT_IN, empty for EXISTS/DOES_NOT_EXIST
 */
public record Requirement(String key, Operator operator, List<String> values) implements Comparable<Requirement> {

    /** Kubernetes label-selector operators. */
    public enum Operator { IN, NOT_IN, EXISTS, DOES_NOT_EXIST }

    public Requirement {
        values = values.stream().distinct().sorted().toList();
        boolean needsValues = operator == Operator.IN || operator == Operator.NOT_IN;
        if (needsValues == values.isEmpty()) {
            throw new IllegalArgumentException(operator + " " + (needsValues ? "needs values" : "takes no values"));
        }
        if (key.indexOf(':') < 0) {
            throw new IllegalArgumentException("key \"" + key + "\" is not source-qualified");
        }
    }

    public static Requirement equal(String key, String value) {
        return new Requirement(key, Operator.IN, List.of(value));
    }

    public static Requirement exists(String key) {
        return new Requirement(key, Operator.EXISTS, List.of());
    }

    public static Requirement absent(String key) {
        return new Requirement(key, Operator.DOES_NOT_EXIST, List.of());
    }

    /** True if this term holds for an identity whose label values are given by {@code labels}. */
    public boolean matches(IdentityLabels labels) {
        String value = labels.value(key);
        return switch (operator) {
            case IN -> value != null && values.contains(value);
            case NOT_IN -> value == null || !values.contains(value);
            case EXISTS -> value != null;
            case DOES_NOT_EXIST -> value == null;
        };
    }

    @Override
    public int compareTo(Requirement o) {
        int c = key.compareTo(o.key);
        if (c == 0) {
            c = operator.compareTo(o.operator);
        }
        return c != 0 ? c : String.join(",", values).compareTo(String.join(",", o.values));
    }

    @Override
    public String toString() {
        return switch (operator) {
            case IN -> values.size() == 1 ? key + "=" + values.getFirst() : key + " in (" + String.join(",", values) + ")";
            case NOT_IN -> key + " notin (" + String.join(",", values) + ")";
            case EXISTS -> key;
            case DOES_NOT_EXIST -> "!" + key;
        };
    }
}
