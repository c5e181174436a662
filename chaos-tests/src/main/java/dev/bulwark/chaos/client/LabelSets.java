package dev.bulwark.chaos.client;

import dev.bulwark.model.Label;
import dev.bulwark.model.LabelSet;

/**
 * The workload's key space: key i is the label set {@code k8s:app=chaos-<i>,
 * k8s:io.kubernetes.pod.namespace=chaos}; the history records its canonical form.
 */
public final class LabelSets {

    private LabelSets() {
    }

    public static LabelSet of(int key) {
        return LabelSet.of(Label.k8s("app", "chaos-" + key), Label.k8s("io.kubernetes.pod.namespace", "chaos"));
    }

    public static dev.bulwark.proto.identity.v1.LabelSet toProto(LabelSet set) {
        var b = dev.bulwark.proto.identity.v1.LabelSet.newBuilder();
        for (Label l : set) {
            b.addLabels(dev.bulwark.proto.identity.v1.Label.newBuilder()
                    .setSource(l.source()).setKey(l.key()).setValue(l.value()));
        }
        return b.build();
    }

    public static String canonical(dev.bulwark.proto.identity.v1.LabelSet proto) {
        return LabelSet.of(proto.getLabelsList().stream().map(l -> new Label(l.getSource(), l.getKey(), l.getValue()))
                .toList()).canonical();
    }
}
