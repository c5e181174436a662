package dev.bulwark.policy.distribution.source;

import java.util.Arrays;
import java.util.Optional;

/** The object kinds the distributor reads. */
public enum ObjectKind {
    NAMESPACE("v1", "Namespace", "namespaces", false),
    POD("v1", "Pod", "pods", true),
    NODE("v1", "Node", "nodes", false),
    NETWORK_POLICY("networking.k8s.io/v1", "NetworkPolicy", "networkpolicies", true),
    CILIUM_NETWORK_POLICY("cilium.io/v2", "CiliumNetworkPolicy", "ciliumnetworkpolicies", true),
    CILIUM_CLUSTERWIDE_NETWORK_POLICY("cilium.io/v2", "CiliumClusterwideNetworkPolicy", "ciliumclusterwidenetworkpolicies", false);

    public final String apiVersion;
    public final String kind;
    public final String plural;
    public final boolean namespaced;

    ObjectKind(String apiVersion, String kind, String plural, boolean namespaced) {
        this.apiVersion = apiVersion;
        this.kind = kind;
        this.plural = plural;
        this.namespaced = namespaced;
    }

    public String group() {
        int slash = apiVersion.indexOf('/');
        return slash < 0 ? "" : apiVersion.substring(0, slash);
    }

    public String version() {
        return apiVersion.substring(apiVersion.indexOf('/') + 1);
    }

    public boolean isPolicy() {
        return this == NETWORK_POLICY || this == CILIUM_NETWORK_POLICY || this == CILIUM_CLUSTERWIDE_NETWORK_POLICY;
    }

    public static Optional<ObjectKind> of(String apiVersion, String kind) {
        return Arrays.stream(values()).filter(k -> k.kind.equals(kind) && k.apiVersion.equals(apiVersion)).findFirst();
    }
}
