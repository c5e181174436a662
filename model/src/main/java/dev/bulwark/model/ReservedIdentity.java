package dev.bulwark.model;

import java.util.Optional;

/** Cilium's hard-coded reserved identities 1..10; each is the identity of the label {@code reserved:<name>}. */
public enum ReservedIdentity {
    HOST(1, "host"),
    WORLD(2, "world"),
    UNMANAGED(3, "unmanaged"),
    HEALTH(4, "health"),
    INIT(5, "init"),
    REMOTE_NODE(6, "remote-node"),
    KUBE_APISERVER(7, "kube-apiserver"),
    INGRESS(8, "ingress"),
    WORLD_IPV4(9, "world-ipv4"),
    WORLD_IPV6(10, "world-ipv6");

    public static final int MAX_ID = 10;

    private final int id;
    private final String labelName;

    ReservedIdentity(int id, String labelName) {
        this.id = id;
        this.labelName = labelName;
    }

    public int id() {
        return id;
    }

    /** The name in {@code reserved:<name>}. */
    public String labelName() {
        return labelName;
    }

    public NumericIdentity identity() {
        return NumericIdentity.of(id);
    }

    public Label label() {
        return Label.reserved(labelName);
    }

    public LabelSet labels() {
        return LabelSet.of(label());
    }

    public static Optional<ReservedIdentity> byId(int id) {
        for (ReservedIdentity r : values()) {
            if (r.id == id) {
                return Optional.of(r);
            }
        }
        return Optional.empty();
    }

    public static Optional<ReservedIdentity> byLabelName(String name) {
        for (ReservedIdentity r : values()) {
            if (r.labelName.equals(name)) {
                return Optional.of(r);
            }
        }
        return Optional.empty();
    }
}
