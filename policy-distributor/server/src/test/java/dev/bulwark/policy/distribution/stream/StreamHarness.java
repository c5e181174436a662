package dev.bulwark.policy.distribution.stream;

import dev.bulwark.policy.distribution.agentsim.AgentBehaviour;
import dev.bulwark.policy.distribution.agentsim.AgentEvents;
import dev.bulwark.policy.distribution.agentsim.SimulatedAgent;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.NettyServerBuilder;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/** One distributor replica (loop + real gRPC server on a loopback port) and the channels of its agents. */
final class StreamHarness implements AutoCloseable {

    final DistributionLoop loop;
    final Server server;
    final ManagedChannel channel;
    private final List<SimulatedAgent> agents = new ArrayList<>();

    StreamHarness(StreamConfig config, AgentAuthenticator authenticator, DeliveryListener listener) throws IOException {
        loop = new DistributionLoop(config, InstantSource.system(), listener);
        server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                .addService(new PolicyStreamService(loop, authenticator)).build().start();
        channel = channelTo(server.getPort());
    }

    static StreamHarness start(int historyRevisions) throws IOException {
        return new StreamHarness(new StreamConfig(historyRevisions, Duration.ofSeconds(60), "r1"),
                AgentAuthenticator.trustingSubscribedNodeName(), DeliveryListener.NONE);
    }

    static ManagedChannel channelTo(int port) {
        return NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
    }

    SimulatedAgent agent(String node, AgentBehaviour behaviour, AgentEvents events) {
        SimulatedAgent a = new SimulatedAgent(node, node + "-test", channel, behaviour, events);
        agents.add(a);
        return a;
    }

    static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(10);
        }
    }

    @Override
    public void close() {
        agents.forEach(SimulatedAgent::disconnect);
        loop.close();
        channel.shutdownNow();
        server.shutdownNow();
        try {
            channel.awaitTermination(5, TimeUnit.SECONDS);
            server.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
