package dev.bulwark.policy.distribution.bench;

/**
 * What {@code bulwark bench fanout} measured. Latencies in milliseconds, sizes in bytes.
 *
 * @param changeToAllAckedP50Ms from publishing a policy change to the ACK of every affected agent
 * @param agentAckP99Ms         from publishing to one affected agent's ACK
 * @param unaffectedBytes       bytes sent to agents whose state the policy changes did not touch (target 0)
 * @param memoryPerAgentBytes   heap held per connected agent stream (server and client stream state
 *                              together: both run in this JVM), measured as the drop when all streams close
 * @param stormResumedPercent   of agents reconnecting at once, the share that resumed without a full state
 */
public record FanoutResult(int agents, int pods, int connections, int changes, int affectedPerChange,
                           double connectAllMs,
                           double changeToAllAckedP50Ms, double changeToAllAckedP99Ms,
                           double agentAckP50Ms, double agentAckP99Ms,
                           long unaffectedBytes, double deltaBytesAvg, double fullStateBytesAvg,
                           double ipcacheChangeAllAckedMs, long ipcacheBytesSerializations,
                           long memoryPerAgentBytes,
                           double stormInSyncMs, double stormResumedPercent, long stormFullStates) {
}
