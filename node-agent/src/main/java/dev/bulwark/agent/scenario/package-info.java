/**
 * Kernel verdict mode: runs a compiled scenario's probes as real packets through the eBPF datapath in
 * private network namespaces. Imports the JDK, dev.bulwark.model and the agent's datapath and netns
 * packages; knows nothing of the policy compiler (the caller passes compiled map states).
 */
package dev.bulwark.agent.scenario;
