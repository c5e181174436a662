package dev.bulwark.identity.raft;

import java.util.Optional;

/**
 * This replica cannot serve the request now: it is not the leader, there is no leader, or Raft failed.
 * Carries the leader's gRPC address when one is known, so clients can go there.
 */
public final class ReplicaUnavailableException extends RuntimeException {

    private final String leaderAddress;

    public ReplicaUnavailableException(String message, String leaderAddress, Throwable cause) {
        super(message, cause);
        this.leaderAddress = leaderAddress;
    }

    public Optional<String> leaderAddress() {
        return Optional.ofNullable(leaderAddress);
    }
}
