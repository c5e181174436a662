package dev.bulwark.identity.grpc;

import dev.bulwark.identity.Outcome;
import dev.bulwark.identity.raft.ChangeFeed;
import dev.bulwark.identity.raft.ReplicaUnavailableException;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * The one place where failures and refusing outcomes become gRPC statuses:
 * <ul>
 *   <li>{@link InvalidRequestException} → INVALID_ARGUMENT, message = field path + reason;</li>
 *   <li>{@link Outcome.RangeExhausted} → RESOURCE_EXHAUSTED with the range and counts;</li>
 *   <li>{@link ReplicaUnavailableException} → UNAVAILABLE, message contains {@code leader=host:port}
 *       when the leader is known (clients parse this; see {@link #LEADER_PREFIX});</li>
 *   <li>{@link NotFoundException} → NOT_FOUND; {@link ChangeFeed.FutureRevisionException} → OUT_OF_RANGE;</li>
 *   <li>anything else → INTERNAL (a bug).</li>
 * </ul>
 */
public final class StatusMapping {

    /** Marks the leader's gRPC address in an UNAVAILABLE message: {@code ... leader=127.0.0.1:7001}. */
    public static final String LEADER_PREFIX = "leader=";

    private StatusMapping() {
    }

    public static StatusRuntimeException toStatus(Throwable failure) {
        Throwable t = unwrap(failure);
        Status status = switch (t) {
            case InvalidRequestException e -> Status.INVALID_ARGUMENT.withDescription(e.getMessage());
            case NotFoundException e -> Status.NOT_FOUND.withDescription(e.getMessage());
            case ChangeFeed.FutureRevisionException e -> Status.OUT_OF_RANGE.withDescription(e.getMessage());
            case ReplicaUnavailableException e -> Status.UNAVAILABLE.withDescription(e.leaderAddress()
                    .map(l -> e.getMessage() + "; " + LEADER_PREFIX + l).orElse(e.getMessage()));
            case StatusRuntimeException e -> e.getStatus();
            default -> Status.INTERNAL.withDescription(t.getClass().getName() + ": " + t.getMessage()).withCause(t);
        };
        return status.asRuntimeException();
    }

    /** The status for an outcome that refuses the command, or null when the outcome is a success. */
    public static StatusRuntimeException toStatus(Outcome outcome) {
        return switch (outcome) {
            case Outcome.RangeExhausted r -> Status.RESOURCE_EXHAUSTED.withDescription("cluster " + r.clusterId()
                    + " identity range " + r.min() + ".." + r.max() + " is full: " + r.needed()
                    + " new identities needed, " + r.free() + " free (released numbers stay quarantined)")
                    .asRuntimeException();
            case Outcome.Allocated a -> null;
            case Outcome.Released r -> null;
            case Outcome.KeptAlive k -> null;
            case Outcome.Ticked t -> null;
        };
    }

    private static Throwable unwrap(Throwable t) {
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }
}
