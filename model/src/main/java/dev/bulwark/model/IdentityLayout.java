package dev.bulwark.model;

/**
 * How cluster IDs share the 24-bit identity space (Cilium ClusterMesh): with up to 255 clusters the
 * cluster ID takes 8 bits above 16 local bits; with 511, 9 bits above 15. Cluster N allocates from
 * {@code N << localBits} to {@code ((N + 1) << localBits) - 1}; cluster 0 (a cluster not in a mesh)
 * starts at 256 so the reserved and well-known ranges stay free.
 *
 * @param maxClusters 255 or 511
 */
public record IdentityLayout(int maxClusters) {

    public static final IdentityLayout DEFAULT = new IdentityLayout(255);
    public static final IdentityLayout EXTENDED = new IdentityLayout(511);

    /** First identity a cluster-0 allocator may hand out (Cilium's MinimalAllocationIdentity). */
    public static final int CLUSTER_ZERO_MIN = 256;

    public IdentityLayout {
        if (maxClusters != 255 && maxClusters != 511) {
            throw new IllegalArgumentException("maxClusters must be 255 or 511, was " + maxClusters);
        }
    }

    /** 16 with 255 clusters, 15 with 511. */
    public int localBits() {
        return maxClusters == 255 ? 16 : 15;
    }

    /** Validates a cluster ID: 0..maxClusters. */
    public int checkClusterId(int clusterId) {
        if (clusterId < 0 || clusterId > maxClusters) {
            throw new IllegalArgumentException("cluster id " + clusterId + " is outside 0.." + maxClusters
                    + " (max clusters " + maxClusters + ")");
        }
        return clusterId;
    }

    /** Lowest identity cluster {@code clusterId} allocates. */
    public int minIdentity(int clusterId) {
        checkClusterId(clusterId);
        return clusterId == 0 ? CLUSTER_ZERO_MIN : clusterId << localBits();
    }

    /** Highest identity cluster {@code clusterId} allocates. */
    public int maxIdentity(int clusterId) {
        checkClusterId(clusterId);
        return ((clusterId + 1) << localBits()) - 1;
    }
}
