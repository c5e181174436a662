package dev.bulwark.policy.parse;

import dev.bulwark.model.policy.Protocols;
import dev.bulwark.policy.api.PortRule;
import java.util.regex.Pattern;

/** Port terms shared by both policy dialects: numbers, ranges, named ports and protocols. */
final class PortParser {

    /** IANA_SVC_NAME: 1..15 characters [a-z0-9-], at least one letter, no leading/trailing/double '-'. */
    private static final Pattern SERVICE_NAME = Pattern.compile("(?=.*[a-z])[a-z0-9]([a-z0-9]|-(?!-))*[a-z0-9]|[a-z]");

    private PortParser() {
    }

    static int protocol(Node node, String fallback, boolean allowAny) {
        String name = node.optionalString(fallback);
        String upper = name.toUpperCase(java.util.Locale.ROOT);
        boolean known = upper.equals("TCP") || upper.equals("UDP") || upper.equals("SCTP") || (allowAny && upper.equals("ANY"));
        if (!known || !upper.equals(name)) {
            throw node.error("\"" + name + "\": expected " + (allowAny ? "TCP, UDP, SCTP or ANY" : "TCP, UDP or SCTP"));
        }
        return Protocols.byName(name);
    }

    /**
     * Reads {@code port} and {@code endPort} under {@code parent}. {@code port} may be an integer, a
     * decimal string (Cilium writes ports as strings) or a named port; absent means every port.
     */
    static PortRule port(Node parent, int protocol) {
        Node portNode = parent.get("port");
        Node endNode = parent.get("endPort");
        if (portNode.isMissing()) {
            if (!endNode.isMissing()) {
                throw endNode.error("endPort requires port");
            }
            return PortRule.numeric(protocol, 0, 0, parent.path());
        }
        int port;
        if (portNode.isInt()) {
            port = portNode.integer();
        } else if (portNode.isText() && portNode.string().matches("[0-9]{1,6}")) {
            port = Integer.parseInt(portNode.string());
        } else if (portNode.isText()) {
            String name = portNode.string();
            if (!SERVICE_NAME.matcher(name).matches() || name.length() > 15) {
                throw portNode.error("\"" + name + "\" is neither a port number 1..65535 nor a port name"
                        + " (1..15 characters [a-z0-9-] with a letter)");
            }
            if (!endNode.isMissing()) {
                throw endNode.error("endPort cannot be used with a named port");
            }
            return PortRule.named(protocol, name, parent.path());
        } else {
            throw portNode.error("expected a port number or name, got " + portNode.describe());
        }
        if (port < 1 || port > 65_535) {
            throw portNode.error(port + " is outside 1..65535 (omit port to match every port)");
        }
        int end = port;
        if (!endNode.isMissing()) {
            end = endNode.isText() && endNode.string().matches("[0-9]{1,6}") ? Integer.parseInt(endNode.string()) : endNode.integer();
            if (end > 65_535) {
                throw endNode.error(end + " is outside 1..65535");
            }
            if (end < port) {
                throw endNode.error(end + " is less than port " + port);
            }
        }
        return PortRule.numeric(protocol, port, end, parent.path());
    }
}
