package dev.bulwark.policy.distribution.stream;

import dev.bulwark.policy.distribution.state.StateHistory;

/**
 * What every session on a loop shares: the history, the encoder, the listener, the gates and the loop's
 * timer. Loop-confined.
 */
record Fanout(StateHistory history, WireEncoder encoder, DeliveryListener listener, FullStateGate fullStates,
              ServingGate serving, LoopTimer timer, Backoff nackRetry) {
}
