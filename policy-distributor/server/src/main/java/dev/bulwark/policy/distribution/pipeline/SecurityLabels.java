package dev.bulwark.policy.distribution.pipeline;

import dev.bulwark.model.Label;
import dev.bulwark.model.LabelSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A pod's identity label set as Cilium derives it: the pod's labels under {@code k8s:}, the namespace
 * as {@code k8s:io.kubernetes.pod.namespace}, and each namespace label as
 * {@code k8s:io.cilium.k8s.namespace.labels.<key>}. The allocator applies the security-relevant filter.
 */
public final class SecurityLabels {

    public static final String NAMESPACE = "io.kubernetes.pod.namespace";
    public static final String NAMESPACE_LABELS = "io.cilium.k8s.namespace.labels.";

    private SecurityLabels() {
    }

    public static LabelSet of(String namespace, Map<String, String> namespaceLabels, Map<String, String> podLabels) {
        List<Label> labels = new ArrayList<>();
        podLabels.forEach((k, v) -> labels.add(Label.k8s(k, v)));
        labels.add(Label.k8s(NAMESPACE, namespace));
        namespaceLabels.forEach((k, v) -> labels.add(Label.k8s(NAMESPACE_LABELS + k, v)));
        return LabelSet.of(labels);
    }
}
