package dev.bulwark.model;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;

/**
 * An immutable, canonical set of labels: sorted by (source, key, value), deduplicated, at most one
 * value per (source, key). Equal sets have equal {@link #canonical()} forms and equal bytes, which is
 * what identities are keyed by.
 *
 * <p>The canonical form is Cilium's sorted-list format, {@code source:key=value;} per label,
 * concatenated; it is frozen because it is stored.
 */
public final class LabelSet implements Iterable<Label>, Comparable<LabelSet> {

    /** The largest set accepted anywhere; larger sets are a client error, not a policy decision. */
    public static final int MAX_LABELS = 256;

    public static final LabelSet EMPTY = new LabelSet(List.of());

    private final List<Label> labels;
    private final String canonical;

    private LabelSet(List<Label> sorted) {
        this.labels = List.copyOf(sorted);
        StringBuilder sb = new StringBuilder();
        for (Label l : labels) {
            sb.append(l.source()).append(':').append(l.key()).append('=').append(l.value()).append(';');
        }
        this.canonical = sb.toString();
    }

    /**
     * Canonicalises {@code input}. Rejects more than {@link #MAX_LABELS} labels and two labels with the
     * same source and key but different values; exact duplicates are merged.
     */
    public static LabelSet of(Collection<Label> input) {
        if (input.size() > MAX_LABELS) {
            throw new InvalidLabelException(input.size() + " labels: at most " + MAX_LABELS + " allowed");
        }
        TreeSet<Label> sorted = new TreeSet<>(input);
        Label previous = null;
        for (Label l : sorted) {
            if (previous != null && previous.source().equals(l.source()) && previous.key().equals(l.key())) {
                throw new InvalidLabelException("conflicting values for " + l.source() + ":" + l.key()
                        + ": \"" + previous.value() + "\" and \"" + l.value() + "\"");
            }
            previous = l;
        }
        return new LabelSet(new ArrayList<>(sorted));
    }

    public static LabelSet of(Label... labels) {
        return of(List.of(labels));
    }

    /** Parses each {@code source:key=value}; errors name the position, e.g. {@code [2]: ...}. */
    public static LabelSet parse(List<String> texts) {
        List<Label> parsed = new ArrayList<>(texts.size());
        for (int i = 0; i < texts.size(); i++) {
            try {
                parsed.add(Label.parse(texts.get(i)));
            } catch (InvalidLabelException e) {
                throw e.at("[" + i + "]");
            }
        }
        return of(parsed);
    }

    /** Parses a canonical form produced by {@link #canonical()}. */
    public static LabelSet fromCanonical(String canonical) {
        List<Label> parsed = new ArrayList<>();
        for (String part : canonical.split(";")) {
            if (!part.isEmpty()) {
                parsed.add(Label.parse(part.endsWith("=") ? part.substring(0, part.length() - 1) : part));
            }
        }
        // Stored sets are canonical, hence already sorted without two values for one key: skip the
        // re-sort (replicas decode every label set of every log entry). Anything else takes the full path.
        boolean sorted = parsed.size() <= MAX_LABELS;
        for (int i = 1; i < parsed.size() && sorted; i++) {
            Label a = parsed.get(i - 1);
            Label b = parsed.get(i);
            sorted = a.compareTo(b) < 0 && !(a.source().equals(b.source()) && a.key().equals(b.key()));
        }
        LabelSet set = sorted ? new LabelSet(parsed) : of(parsed);
        if (!set.canonical.equals(canonical)) {
            throw new InvalidLabelException("not canonical: \"" + canonical + "\"");
        }
        return set;
    }

    public List<Label> labels() {
        return labels;
    }

    public int size() {
        return labels.size();
    }

    public boolean isEmpty() {
        return labels.isEmpty();
    }

    /** The value of {@code source:key}, if present. */
    public Optional<String> get(String source, String key) {
        for (Label l : labels) {
            if (l.source().equals(source) && l.key().equals(key)) {
                return Optional.of(l.value());
            }
        }
        return Optional.empty();
    }

    public boolean contains(Label label) {
        return labels.contains(label);
    }

    /** Cilium's sorted-list string: {@code source:key=value;} per label. */
    public String canonical() {
        return canonical;
    }

    /** The stable byte encoding: UTF-8 of {@link #canonical()}. */
    public byte[] canonicalBytes() {
        return canonical.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public Iterator<Label> iterator() {
        return labels.iterator();
    }

    @Override
    public int compareTo(LabelSet o) {
        return canonical.compareTo(o.canonical);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LabelSet s && s.canonical.equals(canonical);
    }

    @Override
    public int hashCode() {
        return canonical.hashCode();
    }

    /** Labels separated by spaces, as typed on a command line. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        for (Label l : labels) {
            if (!sb.isEmpty()) {
                sb.append(' ');
            }
            sb.append(l);
        }
        return sb.toString();
    }
}
