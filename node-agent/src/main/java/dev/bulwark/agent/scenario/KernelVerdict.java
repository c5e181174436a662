package dev.bulwark.agent.scenario;

import dev.bulwark.agent.datapath.Reason;

/**
 * The kernel's answer for one probe.
 *
 * @param probe   what was tried
 * @param allowed the traffic got through (TCP handshake completed, UDP echo came back, or both SCTP
 *                test runs passed)
 * @param method  "tcp connect", "udp echo" or "BPF_PROG_TEST_RUN" (this kernel has no SCTP sockets)
 * @param reason  the datapath's reason from the flow events (or test run); null if no event matched
 * @param where   which endpoint's program decided ("x/a egress"), empty when allowed
 * @param detail  the probe's own observation (connected, timed out, ...)
 */
public record KernelVerdict(KernelScenario.ProbeSpec probe, boolean allowed, String method, Reason reason,
                            String where, String detail) {
}
