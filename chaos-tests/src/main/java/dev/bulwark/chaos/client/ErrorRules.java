package dev.bulwark.chaos.client;

import dev.bulwark.chaos.history.OpType;
import io.grpc.Status;
import io.grpc.StatusException;
import io.grpc.StatusRuntimeException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;

/**
 * Which errors are {@code fail} (the operation definitely did not happen) and which are {@code info}
 * (unknown). A false {@code fail} invents violations and a false {@code ok} hides them, so a mutating
 * operation is {@code fail} only when the error proves it was not applied. The rules are written down in
 * docs/chaos.md ("Error classification") and tested in ErrorRulesTest; this is the only place they live.
 *
 * <ol>
 *   <li>Read-only operations (lookup, list, watch subscription) never change state: every error is
 *       {@code fail}.</li>
 *   <li>The server rejected the request before applying it: INVALID_ARGUMENT, RESOURCE_EXHAUSTED,
 *       NOT_FOUND, OUT_OF_RANGE, FAILED_PRECONDITION, ALREADY_EXISTS, PERMISSION_DENIED, UNAUTHENTICATED,
 *       UNIMPLEMENTED: {@code fail}.</li>
 *   <li>UNAVAILABLE whose cause chain holds a connect failure (refused, timed out while connecting, no
 *       route): the request never left this process: {@code fail}.</li>
 *   <li>Everything else: DEADLINE_EXCEEDED, CANCELLED, UNAVAILABLE after the connection was up (including
 *       the server's own "not leader" answer, which a replica may give after it appended the entry),
 *       ABORTED, INTERNAL, UNKNOWN, DATA_LOSS, and any exception that is not a gRPC status:
 *       {@code info}.</li>
 * </ol>
 */
public final class ErrorRules {

    private ErrorRules() {
    }

    /** A classified error: the completion type and the text recorded in the history. */
    public record Classified(OpType type, String error) {
    }

    /**
     * @param mutating true for operations that may change the store (allocate, release)
     * @param error    what the call threw
     */
    public static Classified classify(boolean mutating, Throwable error) {
        Status status = statusOf(error);
        String text = describe(status, error);
        if (!mutating) {
            return new Classified(OpType.FAIL, text);
        }
        if (status == null) {
            return new Classified(OpType.INFO, text);
        }
        return switch (status.getCode()) {
            case INVALID_ARGUMENT, RESOURCE_EXHAUSTED, NOT_FOUND, OUT_OF_RANGE, FAILED_PRECONDITION,
                 ALREADY_EXISTS, PERMISSION_DENIED, UNAUTHENTICATED, UNIMPLEMENTED ->
                    new Classified(OpType.FAIL, text);
            case UNAVAILABLE -> new Classified(neverSent(error) ? OpType.FAIL : OpType.INFO, text);
            default -> new Classified(OpType.INFO, text);
        };
    }

    private static Status statusOf(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof StatusRuntimeException e) {
                return e.getStatus();
            }
            if (t instanceof StatusException e) {
                return e.getStatus();
            }
        }
        return null;
    }

    /** True when the cause chain shows the connection was never established. */
    private static boolean neverSent(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof ConnectException || t instanceof NoRouteToHostException
                    || t instanceof UnknownHostException) {
                return true;
            }
        }
        return false;
    }

    private static String describe(Status status, Throwable error) {
        if (status == null) {
            return error.getClass().getSimpleName() + (error.getMessage() == null ? "" : ": " + error.getMessage());
        }
        String d = status.getDescription();
        return status.getCode() + (d == null ? "" : ": " + d);
    }
}
