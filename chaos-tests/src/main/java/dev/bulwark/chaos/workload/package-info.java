/**
 * Named workloads and the run itself: wires db, client, nemesis, generator, history, checkers and report
 * into one time-bounded test ({@link dev.bulwark.chaos.workload.ChaosRun}). The composition root of the
 * harness; may import every other chaos package.
 */
package dev.bulwark.chaos.workload;
