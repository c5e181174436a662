package dev.bulwark.policy.distribution.server;

import io.grpc.ChannelCredentials;
import io.grpc.InsecureChannelCredentials;
import io.grpc.InsecureServerCredentials;
import io.grpc.ServerCredentials;
import java.util.Objects;

/**
 * How a distributor replica secures its two gRPC edges: what agents must present to PolicyDistribution,
 * and what it presents to the identity allocator. With mesh-auth both come from one {@code MeshTls}
 * holding the replica's SVID: {@code serverCredentials(true)} and {@code channelCredentials()}.
 */
public record TransportSecurity(ServerCredentials agents, ChannelCredentials identity) {

    /** No TLS on either edge: development and loopback tests only. */
    public static final TransportSecurity PLAINTEXT = new TransportSecurity(InsecureServerCredentials.create(),
            InsecureChannelCredentials.create());

    public TransportSecurity {
        Objects.requireNonNull(agents, "agents");
        Objects.requireNonNull(identity, "identity");
    }
}
