package dev.bulwark.policy.api;

/**
 * Names one policy object: its kind, namespace ("" for cluster-wide kinds) and name. The identity under
 * which a policy is added, replaced and removed.
 */
public record PolicyRef(PolicyKind kind, String namespace, String name) implements Comparable<PolicyRef> {

    public PolicyRef {
        if (kind == null || namespace == null || name == null) {
            throw new IllegalArgumentException("kind, namespace and name are required");
        }
    }

    @Override
    public int compareTo(PolicyRef o) {
        int c = kind.compareTo(o.kind);
        if (c == 0) {
            c = namespace.compareTo(o.namespace);
        }
        return c != 0 ? c : name.compareTo(o.name);
    }

    /** {@code NetworkPolicy x/deny-all} or {@code CiliumClusterwideNetworkPolicy allow-dns}. */
    @Override
    public String toString() {
        return kind.kindName() + " " + (namespace.isEmpty() ? name : namespace + "/" + name);
    }
}
