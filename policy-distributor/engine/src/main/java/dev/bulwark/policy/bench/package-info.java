/**
 * The policy benchmark ({@code bulwark bench policy}): a deterministic workload and the measurements,
 * each against a baseline measured in the same run. Time is injected. Imports the engine's packages.
 */
package dev.bulwark.policy.bench;
