/**
 * Compilation: the selector cache, the rule index by subject, the per-endpoint compiler, policy groups
 * (endpoints with the same rules and named ports share one compiled state) and the incremental
 * {@link dev.bulwark.policy.compile.PolicyEngine} that turns policies, namespaces and pods into
 * per-endpoint map state and deltas shared per group. Pure and single-threaded. Imports model, policy.api and
 * policy.identity.
 */
package dev.bulwark.policy.compile;
