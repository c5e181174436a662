package dev.bulwark.identity.server;

import java.util.regex.Pattern;

/**
 * One replica's addresses. {@code port} is its gRPC IdentityService port (what clients dial); its Raft
 * port is always {@code port + 1}. One number per replica keeps {@code --peers} short and lets any
 * replica turn Ratis's leader hint (a Raft address) into the leader's gRPC address.
 *
 * @param id   replica name, 1..63 characters [a-z0-9-]
 * @param host a host name or IP literal (loopback in tests)
 * @param port gRPC port 1..65534
 */
public record Peer(String id, String host, int port) {

    private static final Pattern ID = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");

    public Peer {
        if (id == null || !ID.matcher(id).matches()) {
            throw new IllegalArgumentException("peer id \"" + id + "\": must be 1..63 characters [a-z0-9-]");
        }
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("peer " + id + ": host is empty");
        }
        if (port < 1 || port > 65534) {
            throw new IllegalArgumentException("peer " + id + ": port " + port + " is outside 1..65534 (the Raft port is port+1)");
        }
    }

    /** Parses {@code id=host:port}. */
    public static Peer parse(String text) {
        int eq = text.indexOf('=');
        int colon = text.lastIndexOf(':');
        if (eq <= 0 || colon < eq) {
            throw new IllegalArgumentException("peer \"" + text + "\": expected id=host:port");
        }
        try {
            return new Peer(text.substring(0, eq), text.substring(eq + 1, colon), Integer.parseInt(text.substring(colon + 1)));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("peer \"" + text + "\": port is not a number", e);
        }
    }

    public int raftPort() {
        return port + 1;
    }

    public String grpcAddress() {
        return host + ":" + port;
    }

    public String raftAddress() {
        return host + ":" + raftPort();
    }

    @Override
    public String toString() {
        return id + "=" + grpcAddress();
    }
}
