/**
 * Compilation: the selector cache, the rule index by subject, the per-endpoint compiler and the
 * incremental {@link dev.bulwark.policy.compile.PolicyEngine} that turns policies, namespaces and pods
 * into per-endpoint map state and deltas. Pure and single-threaded. Imports model, policy.api and
 * policy.identity.
 */
package dev.bulwark.policy.compile;
