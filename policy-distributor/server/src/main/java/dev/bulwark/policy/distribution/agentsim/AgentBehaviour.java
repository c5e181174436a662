package dev.bulwark.policy.distribution.agentsim;

import dev.bulwark.proto.policy.v1.PolicyDelta;
import java.util.Optional;
import java.util.function.Function;

/**
 * How a simulated agent answers deltas.
 *
 * @param stalled never acknowledges anything (a hung agent)
 * @param reject  an error message for deltas the agent refuses (as a full policy map would), or empty
 */
public record AgentBehaviour(boolean stalled, Function<PolicyDelta, Optional<String>> reject) {

    public static final AgentBehaviour HEALTHY = new AgentBehaviour(false, d -> Optional.empty());
    public static final AgentBehaviour STALLED = new AgentBehaviour(true, d -> Optional.empty());
}
