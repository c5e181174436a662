/**
 * Verdict scenarios (shared/scenarios/README.md): reading them, compiling them offline, the pluggable
 * {@link dev.bulwark.policy.scenario.Datapath} that decides their probes, and the model datapath.
 * Imports model, policy.api, policy.parse, policy.identity and policy.compile.
 */
package dev.bulwark.policy.scenario;
