package dev.bulwark.policy.identity;

import dev.bulwark.model.InvalidLabelException;
import dev.bulwark.model.Label;
import dev.bulwark.model.LabelSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The identity label set of a pod, as Cilium derives it for Kubernetes: the pod's labels under
 * {@code k8s:}, {@code k8s:io.kubernetes.pod.namespace=<ns>}, and each namespace label as
 * {@code k8s:io.cilium.k8s.namespace.labels.<key>=<value>}. No label filter is applied: every pod
 * label is identity-relevant.
 */
public final class PodIdentityLabels {

    public static final String NAMESPACE = "io.kubernetes.pod.namespace";
    public static final String NAMESPACE_LABELS = "io.cilium.k8s.namespace.labels.";

    private PodIdentityLabels() {
    }

    /** @throws InvalidLabelException naming the offending label */
    public static LabelSet of(String namespace, Map<String, String> namespaceLabels, Map<String, String> podLabels) {
        List<Label> labels = new ArrayList<>();
        podLabels.forEach((k, v) -> labels.add(Label.k8s(k, v)));
        labels.add(Label.k8s(NAMESPACE, namespace));
        namespaceLabels.forEach((k, v) -> labels.add(Label.k8s(NAMESPACE_LABELS + k, v)));
        return LabelSet.of(labels);
    }
}
