package dev.bulwark.identity.raft;

import dev.bulwark.identity.IdentityCommand;
import java.util.List;

/**
 * What one Raft log entry carries: the leader's timestamp (the only clock {@code apply} sees), the
 * batch id the leader waits on, and the commands group-committed together.
 *
 * @param timeMs   leader wall-clock time when the entry was proposed, ms since the epoch
 * @param batchId  identifies the leader's waiting callers; meaningless to other replicas
 * @param commands applied in order
 */
public record LogEntry(long timeMs, long batchId, List<IdentityCommand> commands) {

    public LogEntry {
        commands = List.copyOf(commands);
    }
}
