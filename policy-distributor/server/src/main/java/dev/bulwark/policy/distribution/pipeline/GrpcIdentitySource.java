package dev.bulwark.policy.distribution.pipeline;

import dev.bulwark.model.Label;
import dev.bulwark.model.LabelSet;
import dev.bulwark.proto.identity.v1.AllocateRequest;
import dev.bulwark.proto.identity.v1.AllocateResponse;
import dev.bulwark.proto.identity.v1.IdentityServiceGrpc;
import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Identities from the identity allocator over its gRPC contract (IdentityService.Allocate, at most 1,000
 * label sets per call, the pod's node as owner). UNAVAILABLE (no leader) becomes
 * {@link IdentityUnavailableException} so the pipeline keeps its last state and retries; other errors
 * (an invalid label) are programming or data errors and propagate.
 */
public final class GrpcIdentitySource implements IdentitySource {

    private static final int BATCH = 1_000;

    private final Channel channel;
    private final Duration deadline;

    public GrpcIdentitySource(Channel channel, Duration deadline) {
        this.channel = channel;
        this.deadline = deadline;
    }

    @Override
    public Map<LabelSet, Integer> identities(String owner, List<LabelSet> labelSets) {
        Map<LabelSet, Integer> out = new HashMap<>();
        for (int from = 0; from < labelSets.size(); from += BATCH) {
            List<LabelSet> batch = labelSets.subList(from, Math.min(labelSets.size(), from + BATCH));
            AllocateRequest.Builder request = AllocateRequest.newBuilder().setOwner(owner);
            batch.forEach(set -> request.addLabelSets(toProto(set)));
            AllocateResponse response;
            try {
                response = IdentityServiceGrpc.newBlockingStub(channel)
                        .withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS).allocate(request.build());
            } catch (StatusRuntimeException e) {
                Status.Code code = e.getStatus().getCode();
                if (code == Status.Code.UNAVAILABLE || code == Status.Code.DEADLINE_EXCEEDED) {
                    throw new IdentityUnavailableException(e.getStatus().toString(), e);
                }
                throw e;
            }
            for (int i = 0; i < batch.size(); i++) {
                out.put(batch.get(i), response.getAllocations(i).getId());
            }
        }
        return out;
    }

    static dev.bulwark.proto.identity.v1.LabelSet toProto(LabelSet set) {
        var b = dev.bulwark.proto.identity.v1.LabelSet.newBuilder();
        for (Label l : set) {
            b.addLabels(dev.bulwark.proto.identity.v1.Label.newBuilder().setSource(l.source()).setKey(l.key())
                    .setValue(l.value() == null ? "" : l.value()));
        }
        return b.build();
    }
}
