/**
 * Fault injection: partitions (iptables DROP inside the replicas' namespaces), kill -9, SIGSTOP/SIGCONT,
 * wipe and rejoin, driven by the generator's fault plan and recorded in the history as process -1.
 * {@link dev.bulwark.chaos.nemesis.Grudges} is pure; the rest acts on the db package's cluster.
 */
package dev.bulwark.chaos.nemesis;
