package dev.bulwark.policy.distribution.server;

import dev.bulwark.policy.distribution.cluster.ClusterConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * One replica's configuration, validated on construction (messages name the setting).
 *
 * @param listenPort     PolicyDistribution gRPC port on {@code listenHost} (0 = any free port)
 * @param identityTarget host:port of identity-allocator replicas (IdentityService), comma-separated; the
 *                       client follows the leader hint
 * @param coalesce       how long object changes are batched before one recompute
 * @param cluster        Hazelcast membership, or empty for a single replica
 */
public record DistributorConfig(String replicaId, String listenHost, int listenPort, Source source,
                                String identityTarget, int historyRevisions, Duration ackTimeout, Duration coalesce,
                                Optional<ClusterConfig> cluster) {

    /** Where cluster objects come from. */
    public sealed interface Source {
    }

    /** A watched folder of YAML manifests. */
    public record Directory(Path path) implements Source {
    }

    /**
     * A Kubernetes API server: through the kubeconfig (KUBECONFIG or ~/.kube/config), or at
     * {@code masterUrl} when given (another replica's development server, for instance).
     */
    public record Kubernetes(Optional<String> masterUrl) implements Source {
    }

    /**
     * The embedded development API server on 127.0.0.1:{@code port} (0 = any), optionally seeded once
     * from a folder of manifests; kubectl works against it with {@code --validate=false}.
     */
    public record DevelopmentServer(int port, Optional<Path> seed) implements Source {
    }

    public DistributorConfig {
        if (replicaId == null || !replicaId.matches("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?")) {
            throw new IllegalArgumentException("replicaId: must be a DNS label, got \"" + replicaId + "\"");
        }
        Objects.requireNonNull(listenHost, "listenHost");
        if (listenPort < 0 || listenPort > 65_535) {
            throw new IllegalArgumentException("listenPort: must be 0..65535, got " + listenPort);
        }
        Objects.requireNonNull(source, "source");
        if (identityTarget == null || !identityTarget.matches("[^:,]+:\\d{1,5}(,[^:,]+:\\d{1,5})*")) {
            throw new IllegalArgumentException("identityTarget: must be host:port[,host:port...], got \"" + identityTarget + "\"");
        }
        if (historyRevisions < 1) {
            throw new IllegalArgumentException("historyRevisions: must be at least 1, got " + historyRevisions);
        }
        if (ackTimeout.isNegative() || ackTimeout.isZero()) {
            throw new IllegalArgumentException("ackTimeout: must be positive");
        }
        if (coalesce.isNegative()) {
            throw new IllegalArgumentException("coalesce: must not be negative");
        }
        cluster = cluster == null ? Optional.empty() : cluster;
    }
}
