/**
 * The datapath benchmark behind {@code bulwark bench datapath}: map-update rates against a C/libbpf
 * baseline, delta apply latency, and iperf3 throughput with and without our programs and iptables.
 * Imports the JDK and the agent's datapath, netns and policy packages.
 */
package dev.bulwark.agent.bench;
