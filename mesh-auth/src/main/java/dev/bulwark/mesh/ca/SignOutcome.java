package dev.bulwark.mesh.ca;

import java.time.Duration;

/** What became of a signing request (AttestNode or SignSvid). Mapped to gRPC Status in one place. */
public sealed interface SignOutcome {

    record Signed(IssuedSvid svid) implements SignOutcome {
    }

    /** The request is malformed; {@code field} names the request field (e.g. {@code csr_der}). */
    record InvalidRequest(String field, String message) implements SignOutcome {
    }

    /** The caller presented no (valid) node SVID. */
    record Unauthenticated(String message) implements SignOutcome {
    }

    /** The caller may not hold the requested identity, or its attestation proof was refused. */
    record Denied(String message) implements SignOutcome {
    }

    /** The caller exceeded its signing rate; it may retry after {@code retryAfter}. */
    record RateLimited(String caller, Duration retryAfter) implements SignOutcome {
    }
}
