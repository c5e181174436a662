package dev.bulwark.chaos.client;

import dev.bulwark.chaos.history.OpType;
import dev.bulwark.chaos.history.OpValue;

/** How an invocation ended: ok with its value, or fail/info with the error text. */
public record Completion(OpType type, OpValue value, String error) {
}
