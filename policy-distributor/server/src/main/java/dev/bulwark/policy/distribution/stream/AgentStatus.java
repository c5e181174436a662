package dev.bulwark.policy.distribution.stream;

/**
 * One connected agent as status shows it.
 *
 * @param ackedVersion   the version the agent acknowledged (or resumed with)
 * @param currentVersion the version the agent holds once it has the node's current view: the node's current
 *                       version on this replica, or the agent's own when that is higher (it came from another
 *                       replica, or from this one before a restart; versions never go down)
 * @param lagRevisions   revisions between the state the agent holds and the current one (0 = in sync)
 * @param inflightMillis how long the unacknowledged delta has been out (0 = none)
 * @param lastNack       the agent's last error, "" if none
 */
public record AgentStatus(String nodeName, String agentInstanceId, long ackedVersion, long currentVersion,
                          long lagRevisions, long inflightMillis, boolean resumed, long deltasSent,
                          long fullStatesSent, long bytesSent, long nacks, String lastNack) {
}
