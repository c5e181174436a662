/**
 * The {@code convergence} workload: a 3-replica identity store, two distributor replicas clustered over
 * Hazelcast watching one YAML directory, and node agents on the model datapath, all real processes on
 * loopback. A seeded generator changes the directory (pods, NetworkPolicies, CiliumNetworkPolicies) while
 * a nemesis kills and pauses distributors, agents and allocator replicas; after heal and quiesce the
 * checker compares each agent's acknowledged version with its distributor's and each endpoint's map state
 * (read back from the agent's datapath) with a state compiled independently from the final inputs.
 *
 * <p>Pure: {@link dev.bulwark.chaos.convergence.ClusterInputs}, {@link dev.bulwark.chaos.convergence.InputGenerator},
 * {@link dev.bulwark.chaos.convergence.ExpectedState}, {@link dev.bulwark.chaos.convergence.ConvergenceChecker}.
 * I/O at the edges: {@link dev.bulwark.chaos.convergence.Stack}, {@link dev.bulwark.chaos.convergence.Probes},
 * {@link dev.bulwark.chaos.convergence.ConvergenceRun}.
 */
package dev.bulwark.chaos.convergence;
