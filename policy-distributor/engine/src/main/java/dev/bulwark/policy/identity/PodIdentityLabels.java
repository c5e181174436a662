package dev.bulwark.policy.identity;

import dev.bulwark.model.InvalidLabelException;
import dev.bulwark.model.Label;
import dev.bulwark.model.LabelSet;
import dev.bulwark.model.identity.SecurityLabelFilter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The identity label set of a pod, as Cilium derives it for Kubernetes: the pod's labels under
 * {@code k8s:}, {@code k8s:io.kubernetes.pod.namespace=<ns>}, and each namespace label as
 * {@code k8s:io.cilium.k8s.namespace.labels.<key>=<value>}, keeping only the security-relevant ones
 * ({@link SecurityLabelFilter#defaults()}, Cilium's default filter). Without the filter, per-pod and
 * controller labels such as {@code pod-template-hash} would give every ReplicaSet generation (or every
 * StatefulSet pod) its own identity; selectors never see the dropped labels, as in Cilium.
 *
 * <p>Thread-safe (the filter decision per label key is cached in a concurrent map).
 */
public final class PodIdentityLabels {

    public static final String NAMESPACE = "io.kubernetes.pod.namespace";
    public static final String NAMESPACE_LABELS = "io.cilium.k8s.namespace.labels.";

    private static final SecurityLabelFilter FILTER = SecurityLabelFilter.defaults();
    /**
     * The filter's decision depends only on a label's source and key, and runs a dozen regexes: pod adds
     * are on the incremental path, so decisions are cached per key (bounded: cleared when full).
     */
    private static final Map<String, Boolean> RELEVANT = new ConcurrentHashMap<>();
    private static final int RELEVANT_MAX = 10_000;

    private PodIdentityLabels() {
    }

    /** @throws InvalidLabelException naming the offending label */
    public static LabelSet of(String namespace, Map<String, String> namespaceLabels, Map<String, String> podLabels) {
        return of(namespacePart(namespace, namespaceLabels), podLabels);
    }

    /**
     * The labels every pod of the namespace has (its name and its kept namespace labels), validated:
     * computed once per namespace by callers that label many pods, since validation runs regexes.
     *
     * @throws InvalidLabelException naming the offending label
     */
    public static List<Label> namespacePart(String namespace, Map<String, String> namespaceLabels) {
        List<Label> labels = new ArrayList<>();
        labels.add(Label.k8s(NAMESPACE, namespace));
        namespaceLabels.forEach((k, v) -> keep(labels, Label.k8s(NAMESPACE_LABELS + k, v)));
        return List.copyOf(labels);
    }

    /** A pod's identity labels given its namespace's {@link #namespacePart}. */
    public static LabelSet of(List<Label> namespacePart, Map<String, String> podLabels) {
        List<Label> labels = new ArrayList<>(namespacePart.size() + podLabels.size());
        podLabels.forEach((k, v) -> keep(labels, Label.k8s(k, v)));
        labels.addAll(namespacePart);
        return LabelSet.of(labels);
    }

    /** True if the default filter keeps {@code label} in an identity. */
    public static boolean securityRelevant(Label label) {
        String key = label.source() + ":" + label.key();
        Boolean known = RELEVANT.get(key);
        if (known != null) {
            return known;
        }
        if (RELEVANT.size() >= RELEVANT_MAX) {
            RELEVANT.clear();
        }
        boolean relevant = FILTER.isSecurityRelevant(label);
        RELEVANT.put(key, relevant);
        return relevant;
    }

    private static void keep(List<Label> labels, Label label) {
        if (securityRelevant(label)) {
            labels.add(label);
        }
    }
}
