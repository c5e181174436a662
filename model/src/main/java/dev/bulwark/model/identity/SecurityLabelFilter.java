package dev.bulwark.model.identity;

import dev.bulwark.model.Label;
import dev.bulwark.model.LabelSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Decides which labels are security-relevant, with Cilium's rules ({@code pkg/labelsfilter}): a label
 * counts when the longest include pattern that matches it is longer than the shortest exclude pattern
 * that matches it. Labels that no pattern matches count unless the filter is in allow-list mode, which
 * any user-supplied include switches on. Dropped labels become information labels.
 *
 * <p>The defaults keep reserved labels, the pod namespace, namespace labels, {@code app.kubernetes.io}
 * and {@code io.cilium.k8s.policy.*} (cluster, service account), and drop the per-pod and controller
 * internals that would otherwise give every pod its own identity (pod-template-hash,
 * controller-revision-hash, statefulset pod-name, job indexes, other kubernetes.io / k8s.io labels).
 *
 * <p>Immutable and thread-safe. The decision depends only on a label's source and key, so it is
 * remembered per (source, key), up to {@link #REMEMBERED_KEYS} of them: the allocator filters every label
 * of every request, and matching the patterns' regular expressions each time was a few percent of its
 * CPU under load (docs/benchmarks.md). The bound keeps a stream of made-up keys from growing it.
 */
public final class SecurityLabelFilter {

    /** Cilium's default include patterns. */
    public static final List<String> DEFAULT_INCLUDES = List.of(
            "reserved:.*",
            "io\\.kubernetes\\.pod\\.namespace",
            "io\\.cilium\\.k8s\\.namespace\\.labels",
            "app\\.kubernetes\\.io",
            "io\\.cilium\\.k8s\\.policy");

    /** Cilium's default exclude patterns. */
    public static final List<String> DEFAULT_EXCLUDES = List.of(
            "!io\\.kubernetes",
            "!kubernetes\\.io",
            "!statefulset\\.kubernetes\\.io/pod-name",
            "!apps\\.kubernetes\\.io/pod-index",
            "!batch\\.kubernetes\\.io/job-completion-index",
            "!batch\\.kubernetes\\.io/controller-uid",
            "!.*beta\\.kubernetes\\.io",
            "!k8s\\.io",
            "!pod-template-generation",
            "!pod-template-hash",
            "!controller-revision-hash",
            "!annotation.*",
            "!etcd_node");

    private static final SecurityLabelFilter DEFAULT = of(List.of());
    static final int REMEMBERED_KEYS = 4096;

    private record SourceKey(String source, String key) {
    }

    private final List<LabelPattern> patterns;
    private final boolean allowList;
    private final Map<SourceKey, Boolean> decided = new ConcurrentHashMap<>();

    private SecurityLabelFilter(List<LabelPattern> patterns, boolean allowList) {
        this.patterns = List.copyOf(patterns);
        this.allowList = allowList;
    }

    /** The filter with Cilium's defaults only. */
    public static SecurityLabelFilter defaults() {
        return DEFAULT;
    }

    /**
     * The defaults plus {@code expressions} ({@code [!][source:]regex} each). Any include among them
     * switches to allow-list mode: then only labels matching some include count.
     *
     * @throws IllegalArgumentException naming the bad expression by position, e.g. {@code [1]: ...}
     */
    public static SecurityLabelFilter of(List<String> expressions) {
        List<LabelPattern> all = new ArrayList<>();
        DEFAULT_INCLUDES.forEach(e -> all.add(LabelPattern.parse(e)));
        DEFAULT_EXCLUDES.forEach(e -> all.add(LabelPattern.parse(e)));
        boolean allowList = false;
        for (int i = 0; i < expressions.size(); i++) {
            LabelPattern p;
            try {
                p = LabelPattern.parse(expressions.get(i));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("[" + i + "]: " + e.getMessage(), e);
            }
            allowList |= !p.exclude();
            all.add(p);
        }
        return new SecurityLabelFilter(all, allowList);
    }

    /** True when {@code label} is part of an identity. */
    public boolean isSecurityRelevant(Label label) {
        SourceKey k = new SourceKey(label.source(), label.key());
        Boolean known = decided.get(k);
        if (known != null) {
            return known;
        }
        boolean relevant = decide(label);
        if (decided.size() < REMEMBERED_KEYS) {
            decided.put(k, relevant);
        }
        return relevant;
    }

    private boolean decide(Label label) {
        int included = 0;
        int excluded = 0;
        for (LabelPattern p : patterns) {
            if (!p.matches(label)) {
                continue;
            }
            if (p.exclude()) {
                excluded = excluded == 0 ? p.weight() : Math.min(excluded, p.weight());
            } else {
                included = Math.max(included, p.weight());
            }
        }
        if (included > 0) {
            return included > excluded;
        }
        return !allowList && excluded == 0;
    }

    /** Splits {@code labels} into security and information labels. */
    public FilteredLabels filter(LabelSet labels) {
        List<Label> security = new ArrayList<>(labels.size());
        List<Label> information = new ArrayList<>();
        for (Label l : labels) {
            (isSecurityRelevant(l) ? security : information).add(l);
        }
        if (information.isEmpty()) {
            return new FilteredLabels(labels, LabelSet.EMPTY); // the common case: nothing to re-sort
        }
        return new FilteredLabels(LabelSet.of(security), LabelSet.of(information));
    }

    /** The patterns in force, defaults first, as {@code [!][source:]regex}. */
    public List<String> expressions() {
        return patterns.stream().map(LabelPattern::toString).toList();
    }

    public boolean allowListMode() {
        return allowList;
    }
}
