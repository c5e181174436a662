package dev.bulwark.policy.distribution.stream;

import io.grpc.Attributes;
import io.grpc.Metadata;

/**
 * The authentication hook: maps a caller's credentials (transport attributes such as the TLS session,
 * and request headers) to the node it may subscribe for. With mTLS, {@link NodeSvidAuthenticator} reads the
 * node SVID ({@code spiffe://<td>/node/<name>}) from {@code Grpc.TRANSPORT_ATTR_SSL_SESSION}.
 * Called once per stream, on a gRPC transport thread; implementations must be thread-safe.
 */
@FunctionalInterface
public interface AgentAuthenticator {

    AgentPrincipal authenticate(Attributes transport, Metadata headers);

    /** Who the caller is. */
    sealed interface AgentPrincipal {
    }

    /** The caller proved it runs on {@code nodeName}; it may subscribe for that node only. */
    record NodeAgent(String nodeName) implements AgentPrincipal {
    }

    /**
     * No proof: the subscribed node name is taken on trust. Only the development setup ({@code bulwark up},
     * tests, the benchmark) uses it, and the server logs that it does.
     */
    record Unverified() implements AgentPrincipal {
    }

    /** The credentials were refused; {@code reason} goes into the UNAUTHENTICATED status. */
    record Refused(String reason) implements AgentPrincipal {
    }

    /** Trusts the subscribed node name: for development and loopback tests only. */
    static AgentAuthenticator trustingSubscribedNodeName() {
        return (transport, headers) -> new Unverified();
    }
}
