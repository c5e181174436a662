package dev.bulwark.agent.datapath;

import dev.bulwark.model.policy.Direction;
import dev.bulwark.model.policy.Protocols;

/**
 * One flow event from the datapath's ring buffer (or the model datapath).
 *
 * @param timestampNs     CLOCK_MONOTONIC nanoseconds (kernel) or the model's clock
 * @param ifindex         the enforcing host-side interface
 * @param saddr           IPv4 source, first octet in the top byte
 * @param daddr           IPv4 destination
 * @param remoteIdentity  the peer's identity from the ipcache (2 = world on a miss)
 * @param direction       policy direction relative to the endpoint
 */
public record FlowEvent(long timestampNs, int ifindex, int saddr, int daddr, int remoteIdentity, int sport,
                        int dport, int protocol, Direction direction, boolean allowed, Reason reason) {

    /** One JSON object (no trailing newline), for scripts. */
    public String json() {
        return String.format(java.util.Locale.ROOT,
                "{\"timeNs\":%d,\"verdict\":\"%s\",\"reason\":\"%s\",\"direction\":\"%s\",\"source\":\"%s\","
                        + "\"sourcePort\":%d,\"destination\":\"%s\",\"destinationPort\":%d,\"protocol\":\"%s\","
                        + "\"remoteIdentity\":%d,\"ifindex\":%d}",
                timestampNs, allowed ? "forwarded" : "dropped", reason.name(), direction.name().toLowerCase(java.util.Locale.ROOT),
                FlowTuple.ipv4(saddr), sport, FlowTuple.ipv4(daddr), dport, Protocols.name(protocol),
                Integer.toUnsignedLong(remoteIdentity), ifindex);
    }

    /** A Hubble-like one-line rendering. */
    public String line() {
        return String.format("%s %s:%d -> %s:%d %s %s identity=%d %s (%s) if=%d",
                allowed ? "FORWARDED" : "DROPPED  ", FlowTuple.ipv4(saddr), sport, FlowTuple.ipv4(daddr), dport,
                Protocols.name(protocol), direction.name().toLowerCase(java.util.Locale.ROOT),
                Integer.toUnsignedLong(remoteIdentity), reason.name(), reason.description(), ifindex);
    }
}
