package dev.bulwark.mesh.grpc;

import dev.bulwark.mesh.ca.SignOutcome;
import io.grpc.Status;

/** The one place a signing outcome becomes a gRPC Status (meshca.proto documents the codes). */
final class OutcomeToStatus {

    private OutcomeToStatus() {
    }

    static Status of(SignOutcome outcome) {
        return switch (outcome) {
            case SignOutcome.Signed s -> Status.OK;
            case SignOutcome.InvalidRequest r -> Status.INVALID_ARGUMENT.withDescription(r.field() + ": " + r.message());
            case SignOutcome.Unauthenticated u -> Status.UNAUTHENTICATED.withDescription(u.message());
            case SignOutcome.Denied d -> Status.PERMISSION_DENIED.withDescription(d.message());
            case SignOutcome.RateLimited r -> Status.RESOURCE_EXHAUSTED.withDescription(
                    r.caller() + " exceeded its signing rate; retry after " + r.retryAfter().toMillis() + " ms");
        };
    }
}
