package dev.bulwark.policy.api;

import dev.bulwark.model.policy.Protocols;

/**
 * One port term of a rule.
 *
 * @param protocol IANA number; {@link Protocols#ANY} = TCP, UDP and SCTP (CNP only)
 * @param port     first port, 0 = every port of the protocol (ignored when {@code name} is set)
 * @param endPort  last port of a range (inclusive); equal to {@code port} for one port
 * @param name     a named container port, resolved per endpoint; null for numeric ports
 * @param path     where it was written, for traces
 */
public record PortRule(int protocol, int port, int endPort, String name, String path) {

    public PortRule {
        if (name == null && (port < 0 || port > 65_535 || endPort < port || endPort > 65_535)) {
            throw new IllegalArgumentException("bad port range " + port + "-" + endPort);
        }
    }

    public static PortRule numeric(int protocol, int port, int endPort, String path) {
        return new PortRule(protocol, port, endPort, null, path);
    }

    public static PortRule named(int protocol, String name, String path) {
        return new PortRule(protocol, 0, 0, name, path);
    }

    public boolean isNamed() {
        return name != null;
    }

    @Override
    public String toString() {
        String ports = name != null ? name : port == 0 ? "*" : port == endPort ? Integer.toString(port) : port + "-" + endPort;
        return Protocols.name(protocol) + "/" + ports;
    }
}
