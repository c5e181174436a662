package dev.bulwark.policy.api;

/** The manifest kinds the engine accepts. */
public enum PolicyKind {
    NETWORK_POLICY("networking.k8s.io/v1", "NetworkPolicy", true),
    CILIUM_NETWORK_POLICY("cilium.io/v2", "CiliumNetworkPolicy", true),
    CILIUM_CLUSTERWIDE_NETWORK_POLICY("cilium.io/v2", "CiliumClusterwideNetworkPolicy", false);

    private final String apiVersion;
    private final String kind;
    private final boolean namespaced;

    PolicyKind(String apiVersion, String kind, boolean namespaced) {
        this.apiVersion = apiVersion;
        this.kind = kind;
        this.namespaced = namespaced;
    }

    public String apiVersion() {
        return apiVersion;
    }

    /** The {@code kind:} string of the manifest. */
    public String kindName() {
        return kind;
    }

    public boolean namespaced() {
        return namespaced;
    }
}
