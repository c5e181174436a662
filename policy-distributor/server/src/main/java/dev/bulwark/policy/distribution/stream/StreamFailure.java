package dev.bulwark.policy.distribution.stream;

import io.grpc.Status;

/**
 * Why the distributor ends an agent's stream. {@link #toStatus} is the one place these map to gRPC
 * status codes (documented on the service in policy.proto).
 */
sealed interface StreamFailure {

    record NotSubscribe(String got) implements StreamFailure {
    }

    record InvalidNodeName(String nodeName, String why) implements StreamFailure {
    }

    record Unauthenticated(String reason) implements StreamFailure {
    }

    record ShuttingDown() implements StreamFailure {
    }

    record AckTimeout(long version, long waitedMillis) implements StreamFailure {
    }

    static Status toStatus(StreamFailure failure) {
        return switch (failure) {
            case NotSubscribe f -> Status.INVALID_ARGUMENT.withDescription(
                    "the first message on a stream must be subscribe, got " + f.got());
            case InvalidNodeName f -> Status.INVALID_ARGUMENT.withDescription(
                    "subscribe.node_name \"" + f.nodeName() + "\": " + f.why());
            case Unauthenticated f -> Status.UNAUTHENTICATED.withDescription(f.reason());
            case ShuttingDown f -> Status.UNAVAILABLE.withDescription(
                    "this distributor replica is shutting down; reconnect to another and resume with the same known_version");
            case AckTimeout f -> Status.UNAVAILABLE.withDescription("no ack for version " + f.version() + " within "
                    + f.waitedMillis() + " ms; reconnect and resume");
        };
    }
}
