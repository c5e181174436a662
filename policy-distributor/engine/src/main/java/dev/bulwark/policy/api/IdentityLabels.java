package dev.bulwark.policy.api;

import dev.bulwark.model.Label;
import dev.bulwark.model.LabelSet;
import java.util.HashMap;
import java.util.Map;

/**
 * The labels of one identity as selectors see them: {@code source:key -> value}, plus
 * {@code any:key -> value} for every label. Built once per identity so that matching a selector costs a
 * few hash lookups.
 */
public final class IdentityLabels {

    private final LabelSet labels;
    private final Map<String, String> values;

    public IdentityLabels(LabelSet labels) {
        this.labels = labels;
        this.values = new HashMap<>(labels.size() * 4);
        for (Label l : labels) {
            values.put(l.source() + ":" + l.key(), l.value());
            values.putIfAbsent("any:" + l.key(), l.value());
        }
    }

    /** Matching view of {@code labels} plus extra labels that selectors should also see. */
    public IdentityLabels(LabelSet labels, Iterable<Label> extra) {
        this(labels);
        for (Label l : extra) {
            values.put(l.source() + ":" + l.key(), l.value());
            values.putIfAbsent("any:" + l.key(), l.value());
        }
    }

    public LabelSet labels() {
        return labels;
    }

    /** The value under a source-qualified key, or null if the identity has no such label. */
    public String value(String qualifiedKey) {
        return values.get(qualifiedKey);
    }

    /** Every {@code source:key -> value} (and {@code any:key -> value}) a selector can test, read-only. */
    public Map<String, String> values() {
        return java.util.Collections.unmodifiableMap(values);
    }
}
