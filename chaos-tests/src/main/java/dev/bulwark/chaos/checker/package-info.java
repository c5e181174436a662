/**
 * Checkers: pure functions from a {@link dev.bulwark.chaos.history.History} to a
 * {@link dev.bulwark.chaos.checker.CheckResult}. Linearizability of the per-label-set write-once register
 * (WGL search, partitioned by key), uniqueness, stability, lost acknowledged allocations, watch-stream
 * completeness and availability/latency statistics, composed by
 * {@link dev.bulwark.chaos.checker.CompositeChecker}. Imports only history and the JDK.
 */
package dev.bulwark.chaos.checker;
