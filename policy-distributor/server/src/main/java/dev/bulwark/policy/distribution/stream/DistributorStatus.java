package dev.bulwark.policy.distribution.stream;

import java.util.List;

/** A replica's distribution status: its revision, history window, agents and serialization counters. */
public record DistributorStatus(String replicaId, long revision, long oldestRevision, List<AgentStatus> agents,
                                long serializedIpcacheParts, long sharedIpcachePartHits) {

    public long nackedAgents() {
        return agents.stream().filter(a -> !a.lastNack().isEmpty()).count();
    }
}
