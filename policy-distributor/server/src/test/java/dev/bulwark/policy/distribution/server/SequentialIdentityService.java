package dev.bulwark.policy.distribution.server;

import dev.bulwark.proto.identity.v1.AllocateRequest;
import dev.bulwark.proto.identity.v1.AllocateResponse;
import dev.bulwark.proto.identity.v1.Allocation;
import dev.bulwark.proto.identity.v1.IdentityServiceGrpc;
import dev.bulwark.proto.identity.v1.LabelSet;
import io.grpc.stub.StreamObserver;
import java.util.HashMap;
import java.util.Map;

/**
 * Test stand-in for the identity allocator (the distributor, not Raft, is under test here): Allocate
 * numbers label sets sequentially from 256 over the real IdentityService contract.
 */
final class SequentialIdentityService extends IdentityServiceGrpc.IdentityServiceImplBase {

    private final Map<LabelSet, Integer> ids = new HashMap<>();
    private long revision;

    @Override
    public synchronized void allocate(AllocateRequest request, StreamObserver<AllocateResponse> response) {
        AllocateResponse.Builder b = AllocateResponse.newBuilder();
        for (LabelSet set : request.getLabelSetsList()) {
            boolean created = !ids.containsKey(set);
            int id = ids.computeIfAbsent(set, s -> 256 + ids.size());
            b.addAllocations(Allocation.newBuilder().setId(id).setCreated(created).setLabels(set));
        }
        response.onNext(b.setRevision(++revision).build());
        response.onCompleted();
    }
}
