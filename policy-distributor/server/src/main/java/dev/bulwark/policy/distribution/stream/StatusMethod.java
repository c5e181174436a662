package dev.bulwark.policy.distribution.stream;

import dev.bulwark.proto.policy.v1.AgentState;
import dev.bulwark.proto.policy.v1.ReplicaState;
import dev.bulwark.proto.policy.v1.StatusRequest;
import dev.bulwark.proto.policy.v1.StatusResponse;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.util.List;
import java.util.function.Supplier;

/** {@code PolicyDistribution.Status}: the loop's status plus the replicas the cluster knows. */
final class StatusMethod {

    private final DistributionLoop loop;
    private final Supplier<List<ReplicaState>> replicas;

    StatusMethod(DistributionLoop loop, Supplier<List<ReplicaState>> replicas) {
        this.loop = loop;
        this.replicas = replicas;
    }

    void status(StatusRequest request, StreamObserver<StatusResponse> response) {
        if (loop.closing()) {
            response.onError(StreamFailure.toStatus(new StreamFailure.ShuttingDown()).asRuntimeException());
            return;
        }
        loop.status().whenComplete((s, failure) -> {
            if (failure != null) {
                response.onError(Status.UNAVAILABLE.withDescription("status: " + failure.getMessage()).asRuntimeException());
                return;
            }
            StatusResponse.Builder b = StatusResponse.newBuilder().setReplicaId(s.replicaId()).setRevision(s.revision())
                    .setOldestRevision(s.oldestRevision()).setSerializedIpcacheParts(s.serializedIpcacheParts())
                    .setSharedIpcachePartHits(s.sharedIpcachePartHits()).addAllReplicas(replicas.get());
            if (request.getIncludeAgents()) {
                s.agents().forEach(a -> b.addAgents(AgentState.newBuilder().setNodeName(a.nodeName())
                        .setAgentInstanceId(a.agentInstanceId()).setAckedVersion(a.ackedVersion())
                        .setCurrentVersion(a.currentVersion()).setLagRevisions(a.lagRevisions())
                        .setInflightMs(a.inflightMillis()).setResumed(a.resumed()).setDeltasSent(a.deltasSent())
                        .setFullStatesSent(a.fullStatesSent()).setBytesSent(a.bytesSent()).setNacks(a.nacks())
                        .setLastNack(a.lastNack())));
            }
            response.onNext(b.build());
            response.onCompleted();
        });
    }
}
