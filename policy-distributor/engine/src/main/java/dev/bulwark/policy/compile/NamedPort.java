package dev.bulwark.policy.compile;

import dev.bulwark.model.policy.Protocols;

/** A named container port a pod declares: {@code serve-80-tcp -> 80/TCP}. */
public record NamedPort(String name, int port, int protocol) implements Comparable<NamedPort> {

    public NamedPort {
        if (port < 1 || port > 65_535) {
            throw new IllegalArgumentException("port " + port + " outside 1..65535");
        }
        if (protocol != Protocols.TCP && protocol != Protocols.UDP && protocol != Protocols.SCTP) {
            throw new IllegalArgumentException("protocol " + protocol + " is not TCP, UDP or SCTP");
        }
    }

    @Override
    public int compareTo(NamedPort o) {
        int c = name.compareTo(o.name);
        if (c == 0) {
            c = Integer.compare(protocol, o.protocol);
        }
        return c != 0 ? c : Integer.compare(port, o.port);
    }
}
