package dev.bulwark.agent.server;

import dev.bulwark.proto.identity.v1.AllocateRequest;
import dev.bulwark.proto.identity.v1.AllocateResponse;
import dev.bulwark.proto.identity.v1.IdentityServiceGrpc;
import dev.bulwark.proto.identity.v1.KeepAliveRequest;
import dev.bulwark.proto.identity.v1.Label;
import dev.bulwark.proto.identity.v1.LabelSet;
import dev.bulwark.proto.identity.v1.ReleaseRequest;
import io.grpc.Channel;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * The agent's side of the identity allocator: an endpoint's pod labels → its security identity
 * (Allocate, owner {@code agent.<node>}), Release when the endpoint goes, and that owner's lease kept alive. Calls
 * are blocking with a deadline; callers run them off the event loop. Thread-safe (stateless besides
 * the stub).
 */
final class EndpointIdentities {

    private final IdentityServiceGrpc.IdentityServiceBlockingStub stub;
    private final String owner;
    private final Duration deadline;

    /** The owner name of node {@code node}'s agent: {@code agent.<node>} (a valid owner while the node name has at most 247 characters). */
    static String ownerFor(String node) {
        return "agent." + node;
    }

    EndpointIdentities(Channel channel, String owner, Duration deadline) {
        this.stub = IdentityServiceGrpc.newBlockingStub(channel);
        this.owner = owner;
        this.deadline = deadline;
    }

    /** Allocates (or finds) the identity of {@code labels} ("key" → "value", Kubernetes pod labels). */
    int allocate(Map<String, String> labels) {
        LabelSet.Builder set = LabelSet.newBuilder();
        new TreeMap<>(labels).forEach((k, v) -> set.addLabels(Label.newBuilder().setSource("k8s").setKey(k).setValue(v)));
        AllocateResponse r = stub.withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS)
                .allocate(AllocateRequest.newBuilder().setOwner(owner).addLabelSets(set).build());
        return r.getAllocations(0).getId();
    }

    void release(int identity) {
        stub.withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS)
                .release(ReleaseRequest.newBuilder().setOwner(owner).addIds(identity).build());
    }

    /** Renews the lease; returns the granted TTL, or null when the allocator could not be reached. */
    Duration keepAlive() {
        try {
            return Duration.ofMillis(stub.withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS)
                    .keepAlive(KeepAliveRequest.newBuilder().setOwner(owner).build()).getTtlMs());
        } catch (StatusRuntimeException e) {
            return null;
        }
    }
}
