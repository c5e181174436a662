package dev.bulwark.agent.netns;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;

/**
 * Tiny servers inside a pod namespace: a TCP acceptor (accepts and closes) and a UDP echo per port.
 * Sockets are created inside the namespace; each serves on its own daemon platform thread.
 * Closing closes every socket, which ends the threads.
 */
public final class PortServers implements AutoCloseable {

    private final List<java.io.Closeable> sockets = new ArrayList<>();

    /** Starts a TCP server on {@code port} at {@code ip} inside {@code ns}. */
    public void tcp(NetworkNamespace ns, String ip, int port) {
        ServerSocketChannel server = ns.call(() -> {
            ServerSocketChannel s = ServerSocketChannel.open();
            s.bind(new InetSocketAddress(ip, port), 128);
            return s;
        });
        sockets.add(server);
        Thread.ofPlatform().daemon().name("tcp-" + ip + ":" + port).start(() -> {
            try {
                while (true) {
                    try (SocketChannel c = server.accept()) {
                        c.write(ByteBuffer.wrap(new byte[] {'o', 'k'}));
                    }
                }
            } catch (ClosedChannelException e) {
                // closed by close(): done
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    /** Starts a UDP echo server on {@code port} at {@code ip} inside {@code ns}. */
    public void udp(NetworkNamespace ns, String ip, int port) {
        DatagramChannel ch = ns.call(() -> DatagramChannel.open().bind(new InetSocketAddress(ip, port)));
        sockets.add(ch);
        Thread.ofPlatform().daemon().name("udp-" + ip + ":" + port).start(() -> {
            ByteBuffer buf = ByteBuffer.allocate(2048);
            try {
                while (true) {
                    buf.clear();
                    SocketAddress from = ch.receive(buf);
                    buf.flip();
                    ch.send(buf, from);
                }
            } catch (ClosedChannelException e) {
                // closed by close(): done
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    @Override
    public void close() {
        for (java.io.Closeable c : sockets) {
            try {
                c.close();
            } catch (IOException e) {
                // best effort: the namespace is deleted right after
            }
        }
        sockets.clear();
    }
}
