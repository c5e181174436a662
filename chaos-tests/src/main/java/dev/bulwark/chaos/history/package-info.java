/**
 * The history of a run: every invocation and completion, in the order the harness saw them, as
 * append-only JSON lines. Owns the operation model ({@link dev.bulwark.chaos.history.Op}), pairing of
 * invocations with completions, and the JSONL format. Imports only the JDK and Jackson.
 */
package dev.bulwark.chaos.history;
