package dev.bulwark.mesh.ca;

/** How a node proves who it is at bootstrap. */
public sealed interface NodeProof {

    /** A one-time join token from {@code bulwark ca token}. */
    record JoinToken(String token) implements NodeProof {
        @Override
        public String toString() {
            return "JoinToken[redacted]";
        }
    }

    /** A Kubernetes projected service-account token (JWT) of the node agent. */
    record ServiceAccountToken(String jwt) implements NodeProof {
        @Override
        public String toString() {
            return "ServiceAccountToken[redacted]";
        }
    }
}
