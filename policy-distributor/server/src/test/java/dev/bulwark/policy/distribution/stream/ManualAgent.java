package dev.bulwark.policy.distribution.stream;

import dev.bulwark.proto.policy.v1.Ack;
import dev.bulwark.proto.policy.v1.AgentMessage;
import dev.bulwark.proto.policy.v1.DistributorMessage;
import dev.bulwark.proto.policy.v1.PolicyDistributionGrpc;
import dev.bulwark.proto.policy.v1.Subscribe;
import io.grpc.Channel;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A test agent whose every step is explicit: it acknowledges only when told. */
final class ManualAgent {

    final BlockingQueue<DistributorMessage> received = new LinkedBlockingQueue<>();
    volatile Throwable error;
    private final StreamObserver<AgentMessage> requests;

    ManualAgent(Channel channel) {
        requests = PolicyDistributionGrpc.newStub(channel).stream(new StreamObserver<>() {
            @Override
            public void onNext(DistributorMessage value) {
                received.add(value);
            }

            @Override
            public void onError(Throwable t) {
                error = t;
            }

            @Override
            public void onCompleted() {
            }
        });
    }

    void send(AgentMessage message) {
        requests.onNext(message);
    }

    void subscribe(String node, long version) {
        send(AgentMessage.newBuilder().setSubscribe(Subscribe.newBuilder().setNodeName(node).setKnownVersion(version)).build());
    }

    void ack(DistributorMessage m) {
        send(AgentMessage.newBuilder().setAck(Ack.newBuilder().setNonce(m.getDelta().getNonce())
                .setVersion(m.getDelta().getVersion())).build());
    }

    DistributorMessage next() throws InterruptedException {
        DistributorMessage m = received.poll(10, TimeUnit.SECONDS);
        if (m == null) {
            throw new AssertionError("no message within 10 s" + (error == null ? "" : "; stream failed: " + error));
        }
        return m;
    }
}
