package dev.bulwark.agent.netns;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.time.Duration;

/**
 * Real probes from inside a pod namespace: a TCP connect, or a UDP request that must be echoed.
 * Each runs on a platform thread that entered the namespace.
 *
 * @param sourcePort the local port the probe used (for matching flow events)
 * @param connected  true if the TCP handshake completed / the UDP echo came back
 */
public record Probe(int sourcePort, boolean connected, String detail) {

    public static Probe tcp(NetworkNamespace from, String sourceIp, String ip, int port, Duration timeout) {
        return from.call(() -> {
            try (Socket s = new Socket()) {
                s.bind(new InetSocketAddress(sourceIp, 0));
                int sport = s.getLocalPort();
                try {
                    s.connect(new InetSocketAddress(ip, port), (int) timeout.toMillis());
                    return new Probe(sport, true, "connected");
                } catch (SocketTimeoutException e) {
                    return new Probe(sport, false, "timed out after " + timeout.toMillis() + " ms");
                } catch (IOException e) {
                    return new Probe(sport, false, e.getMessage());
                }
            }
        });
    }

    public static Probe udp(NetworkNamespace from, String sourceIp, String ip, int port, Duration timeout) {
        return from.call(() -> {
            try (DatagramChannel ch = DatagramChannel.open(); Selector sel = Selector.open()) {
                ch.bind(new InetSocketAddress(sourceIp, 0));
                int sport = ((InetSocketAddress) ch.getLocalAddress()).getPort();
                ch.connect(new InetSocketAddress(ip, port));
                ch.configureBlocking(false);
                ch.register(sel, SelectionKey.OP_READ);
                ch.write(ByteBuffer.wrap("bulwark-probe".getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
                if (sel.select(timeout.toMillis()) == 0) {
                    return new Probe(sport, false, "no echo within " + timeout.toMillis() + " ms");
                }
                try {
                    int n = ch.read(ByteBuffer.allocate(64));
                    return new Probe(sport, n > 0, n > 0 ? "echoed" : "empty read");
                } catch (IOException e) {
                    return new Probe(sport, false, e.getMessage()); // ICMP port unreachable
                }
            }
        });
    }
}
