package dev.bulwark.policy.distribution.pipeline;

import dev.bulwark.model.Label;
import dev.bulwark.model.LabelSet;
import dev.bulwark.proto.identity.v1.AllocateRequest;
import dev.bulwark.proto.identity.v1.AllocateResponse;
import dev.bulwark.proto.identity.v1.IdentityServiceGrpc;
import dev.bulwark.proto.identity.v1.KeepAliveRequest;
import dev.bulwark.proto.identity.v1.KeepAliveResponse;
import dev.bulwark.proto.identity.v1.ListRequest;
import dev.bulwark.proto.identity.v1.ListResponse;
import dev.bulwark.proto.identity.v1.ReleaseRequest;
import io.grpc.ChannelCredentials;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Identities from the identity allocator over its gRPC contract (IdentityService.Allocate, at most 1,000
 * label sets per call, the pod's node as owner; Release and KeepAlive for that owner; List pages for the
 * owners' references). Writes go to the Raft leader: an UNAVAILABLE answer
 * carrying {@code leader=host:port} moves the client there; one without a hint tries the next configured
 * replica. When no replica answers, {@link IdentityUnavailableException} lets the pipeline keep its last
 * state and retry; other errors (an invalid label) propagate. Thread-safe: the pipeline thread allocates and
 * releases while lease renewal sends its KeepAlives, many at once.
 */
public final class GrpcIdentitySource implements IdentitySource, AutoCloseable {

    private static final int BATCH = 1_000;
    /** Identities per List page: an identity lists every owner, so pages are kept well under gRPC's 4 MiB. */
    private static final int LIST_PAGE = 1_000;
    private static final Pattern LEADER = Pattern.compile("leader=([^\\s,;]+:\\d{1,5})");

    private final List<String> targets;
    private final Duration deadline;
    private final Map<String, ManagedChannel> channels = new ConcurrentHashMap<>();
    private final ChannelCredentials credentials;
    /** The replica calls go to; threads may race to move it, and any replica answers or points at the leader. */
    private volatile String current;

    /** @param targets host:port of one or more identity-allocator replicas (plaintext) */
    public GrpcIdentitySource(List<String> targets, Duration deadline) {
        this(targets, deadline, InsecureChannelCredentials.create());
    }

    /** @param credentials what the distributor presents to the allocators (mTLS with its SVID, or plaintext) */
    public GrpcIdentitySource(List<String> targets, Duration deadline, ChannelCredentials credentials) {
        if (targets.isEmpty()) {
            throw new IllegalArgumentException("identity targets: at least one host:port required");
        }
        this.targets = List.copyOf(targets);
        this.deadline = deadline;
        this.current = targets.getFirst();
        this.credentials = credentials;
    }

    @Override
    public Map<LabelSet, Integer> identities(String owner, List<LabelSet> labelSets) {
        Map<LabelSet, Integer> out = new HashMap<>();
        for (int from = 0; from < labelSets.size(); from += BATCH) {
            List<LabelSet> batch = labelSets.subList(from, Math.min(labelSets.size(), from + BATCH));
            AllocateRequest.Builder request = AllocateRequest.newBuilder().setOwner(owner);
            batch.forEach(set -> request.addLabelSets(toProto(set)));
            AllocateRequest built = request.build();
            AllocateResponse response = call(stub -> stub.allocate(built));
            for (int i = 0; i < batch.size(); i++) {
                out.put(batch.get(i), response.getAllocations(i).getId());
            }
        }
        return out;
    }

    @Override
    public void release(String owner, Collection<Integer> ids) {
        List<Integer> all = List.copyOf(ids);
        for (int from = 0; from < all.size(); from += BATCH) {
            ReleaseRequest request = ReleaseRequest.newBuilder().setOwner(owner)
                    .addAllIds(all.subList(from, Math.min(all.size(), from + BATCH))).build();
            call(stub -> stub.release(request));
        }
    }

    @Override
    public Lease keepAlive(String owner) {
        KeepAliveRequest request = KeepAliveRequest.newBuilder().setOwner(owner).build();
        KeepAliveResponse response = call(stub -> stub.keepAlive(request));
        return new Lease(Duration.ofMillis(response.getTtlMs()), response.getReferences());
    }

    @Override
    public Map<String, Set<Integer>> referencesOf(Set<String> owners) {
        Map<String, Set<Integer>> out = new HashMap<>();
        int after = 0;
        ListResponse page;
        do {
            ListRequest request = ListRequest.newBuilder().setPageSize(LIST_PAGE).setAfterId(after).build();
            page = call(stub -> stub.list(request));
            for (var identity : page.getIdentitiesList()) {
                for (String owner : identity.getOwnersList()) {
                    if (owners.contains(owner)) {
                        out.computeIfAbsent(owner, o -> new TreeSet<>()).add(identity.getId());
                    }
                }
                after = identity.getId();
            }
        } while (page.getMore() && page.getIdentitiesCount() > 0);
        return out;
    }

    /** One RPC at the current replica, moving to the leader (or the next replica) while it is unavailable. */
    private <T> T call(Function<IdentityServiceGrpc.IdentityServiceBlockingStub, T> rpc) {
        StatusRuntimeException last = null;
        for (int attempt = 0; attempt <= targets.size() + 1; attempt++) {
            try {
                return rpc.apply(IdentityServiceGrpc.newBlockingStub(channel(current))
                        .withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS));
            } catch (StatusRuntimeException e) {
                Status.Code code = e.getStatus().getCode();
                if (code != Status.Code.UNAVAILABLE && code != Status.Code.DEADLINE_EXCEEDED) {
                    throw e;
                }
                last = e;
                String description = e.getStatus().getDescription();
                Matcher leader = LEADER.matcher(description == null ? "" : description);
                current = leader.find() && !leader.group(1).equals(current) ? leader.group(1)
                        : targets.get((targets.indexOf(current) + 1 + targets.size()) % targets.size());
            }
        }
        throw new IdentityUnavailableException(last.getStatus().toString(), last);
    }

    private ManagedChannel channel(String target) {
        return channels.computeIfAbsent(target, t -> {
            int colon = t.lastIndexOf(':');
            return NettyChannelBuilder.forAddress(t.substring(0, colon), Integer.parseInt(t.substring(colon + 1)),
                    credentials).build();
        });
    }

    static dev.bulwark.proto.identity.v1.LabelSet toProto(LabelSet set) {
        var b = dev.bulwark.proto.identity.v1.LabelSet.newBuilder();
        for (Label l : set) {
            b.addLabels(dev.bulwark.proto.identity.v1.Label.newBuilder().setSource(l.source()).setKey(l.key())
                    .setValue(l.value() == null ? "" : l.value()));
        }
        return b.build();
    }

    @Override
    public void close() {
        channels.values().forEach(ManagedChannel::shutdownNow);
    }
}
