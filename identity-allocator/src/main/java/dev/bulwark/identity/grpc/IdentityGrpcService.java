package dev.bulwark.identity.grpc;

import dev.bulwark.identity.AllocationPolicy;
import dev.bulwark.identity.FixedIdentities;
import dev.bulwark.identity.IdentityCommand;
import dev.bulwark.identity.IdentityRecord;
import dev.bulwark.identity.IdentityTable;
import dev.bulwark.identity.Outcome;
import dev.bulwark.identity.raft.ChangeFeed;
import dev.bulwark.identity.raft.RaftGateway;
import dev.bulwark.model.LabelSet;
import dev.bulwark.model.ReservedIdentity;
import dev.bulwark.model.identity.FilteredLabels;
import dev.bulwark.proto.identity.v1.AllocateRequest;
import dev.bulwark.proto.identity.v1.AllocateResponse;
import dev.bulwark.proto.identity.v1.Allocation;
import dev.bulwark.proto.identity.v1.IdentityServiceGrpc;
import dev.bulwark.proto.identity.v1.KeepAliveRequest;
import dev.bulwark.proto.identity.v1.KeepAliveResponse;
import dev.bulwark.proto.identity.v1.ListRequest;
import dev.bulwark.proto.identity.v1.ListResponse;
import dev.bulwark.proto.identity.v1.LookupRequest;
import dev.bulwark.proto.identity.v1.LookupResponse;
import dev.bulwark.proto.identity.v1.ReleaseRequest;
import dev.bulwark.proto.identity.v1.ReleaseResponse;
import dev.bulwark.proto.identity.v1.WatchRequest;
import dev.bulwark.proto.identity.v1.WatchResponse;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Function;

/**
 * IdentityService on one replica. Writes go through the {@link RaftGateway} (group commit; refused
 * with UNAVAILABLE + leader address on a follower); reads wait for a linearizable read barrier and then
 * read the local table, so any replica answers reads. Validation happens here, before the log.
 *
 * <p>Thread model: Lookup handlers run on gRPC's transport threads ({@link #executorFor}), the
 * others on gRPC's executor; calls complete asynchronously on the gateway's completion threads; no
 * state of its own.
 */
public final class IdentityGrpcService extends IdentityServiceGrpc.IdentityServiceImplBase {

    private static final int DEFAULT_PAGE = 1000;
    private static final int MAX_PAGE = 10_000;
    private static final int WATCH_QUEUE = 100_000;

    private final RaftGateway gateway;
    private final ChangeFeed feed;
    private final AllocationPolicy policy;
    private final RequestReader reader;

    public IdentityGrpcService(RaftGateway gateway, ChangeFeed feed, AllocationPolicy policy, RequestReader reader) {
        this.gateway = gateway;
        this.feed = feed;
        this.policy = policy;
        this.reader = reader;
    }

    /**
     * The executor the handler of method {@code fullMethodName} runs on: Lookup on the transport thread
     * that read the call, every other method on gRPC's default executor (null). A Lookup handler only
     * validates its key and queues a read barrier (Ratis takes the barrier onto its own thread, and the
     * answer is sent from the barrier's completion), so it never blocks the transport thread; skipping
     * the hand-off to an executor thread saves a thread wake-up per call, which on this project's 2-vCPU
     * machines is a large part of a loopback call's CPU (docs/benchmarks.md, identity run 7). Allocate
     * stays off the transport threads: validating and encoding up to 1,000 label sets would stall every
     * other call on that connection.
     */
    public static Executor executorFor(String fullMethodName) {
        return IdentityServiceGrpc.getLookupMethod().getFullMethodName().equals(fullMethodName) ? Runnable::run : null;
    }

    /** {@link #executorFor(String)} as gRPC's {@code ServerBuilder.callExecutor} asks for it. */
    public static <Q, R> Executor executorFor(ServerCall<Q, R> call, Metadata headers) {
        return executorFor(call.getMethodDescriptor().getFullMethodName());
    }

    @Override
    public void allocate(AllocateRequest request, StreamObserver<AllocateResponse> out) {
        RequestReader.ParsedAllocate parsed;
        try {
            parsed = reader.allocate(request);
        } catch (RuntimeException e) {
            out.onError(StatusMapping.toStatus(e));
            return;
        }
        complete(gateway.submit(parsed.command()), out, outcome -> {
            Outcome.Allocated a = (Outcome.Allocated) outcome;
            AllocateResponse.Builder b = AllocateResponse.newBuilder().setRevision(a.revision());
            for (int i = 0; i < a.allocations().size(); i++) {
                Outcome.Allocation x = a.allocations().get(i);
                FilteredLabels f = parsed.filtered().get(i);
                b.addAllocations(Allocation.newBuilder().setId(x.id()).setCreated(x.created())
                        .setLabels(ProtoMapping.toProto(x.labels()))
                        .setInfoLabels(ProtoMapping.toProto(f.information())));
            }
            return b.build();
        });
    }

    @Override
    public void release(ReleaseRequest request, StreamObserver<ReleaseResponse> out) {
        IdentityCommand.Release command;
        try {
            command = reader.release(request);
        } catch (RuntimeException e) {
            out.onError(StatusMapping.toStatus(e));
            return;
        }
        complete(gateway.submit(command), out,
                o -> ReleaseResponse.newBuilder().setRevision(((Outcome.Released) o).revision()).build());
    }

    @Override
    public void keepAlive(KeepAliveRequest request, StreamObserver<KeepAliveResponse> out) {
        String owner;
        try {
            owner = reader.owner(request.getOwner());
        } catch (RuntimeException e) {
            out.onError(StatusMapping.toStatus(e));
            return;
        }
        complete(gateway.submit(new IdentityCommand.KeepAlive(owner)), out, o -> {
            Outcome.KeptAlive k = (Outcome.KeptAlive) o;
            return KeepAliveResponse.newBuilder().setTtlMs(k.ttlMs()).setReferences(k.references()).build();
        });
    }

    @Override
    public void lookup(LookupRequest request, StreamObserver<LookupResponse> out) {
        Function<IdentityTable, LookupResponse> answer;
        try {
            answer = switch (request.getKeyCase()) {
                case ID -> byId(reader.identity("id", request.getId()));
                case LABELS -> byLabels(reader.labelSet("labels", request.getLabels()).security());
                case KEY_NOT_SET -> throw new InvalidRequestException("key", "set either id or labels");
            };
        } catch (RuntimeException e) {
            out.onError(StatusMapping.toStatus(e));
            return;
        }
        complete(gateway.read(), out, answer);
    }

    private Function<IdentityTable, LookupResponse> byId(int id) {
        Optional<LabelSet> fixed = ReservedIdentity.byId(id).map(ReservedIdentity::labels)
                .or(() -> Optional.ofNullable(policy.pinned().get(id)));
        return table -> {
            LookupResponse.Builder b = LookupResponse.newBuilder().setRevision(table.revision());
            if (fixed.isPresent()) {
                return b.setFound(true).setIdentity(ProtoMapping.fixedToProto(id, fixed.get())).build();
            }
            IdentityRecord r = table.byId(id).orElseThrow(() -> new NotFoundException("id: identity " + id + " does not exist"));
            return b.setFound(true).setIdentity(ProtoMapping.toProto(r)).build();
        };
    }

    private Function<IdentityTable, LookupResponse> byLabels(LabelSet labels) {
        Optional<Integer> fixed = FixedIdentities.of(labels, policy);
        return table -> {
            LookupResponse.Builder b = LookupResponse.newBuilder().setRevision(table.revision());
            if (fixed.isPresent()) {
                return b.setFound(true).setIdentity(ProtoMapping.fixedToProto(fixed.get(), labels)).build();
            }
            table.byLabels(labels).ifPresent(r -> b.setFound(true).setIdentity(ProtoMapping.toProto(r)));
            return b.build();
        };
    }

    @Override
    public void list(ListRequest request, StreamObserver<ListResponse> out) {
        int size = request.getPageSize() == 0 ? DEFAULT_PAGE : request.getPageSize();
        if (size < 0 || size > MAX_PAGE) {
            out.onError(StatusMapping.toStatus(new InvalidRequestException("page_size",
                    Integer.toUnsignedString(request.getPageSize()) + " is outside 1.." + MAX_PAGE + " (0 means " + DEFAULT_PAGE + ")")));
            return;
        }
        int after = request.getAfterId();
        complete(gateway.read(), out, table -> {
            List<IdentityRecord> page = table.page(after, size + 1);
            ListResponse.Builder b = ListResponse.newBuilder().setRevision(table.revision()).setMore(page.size() > size);
            page.stream().limit(size).forEach(r -> b.addIdentities(ProtoMapping.toProto(r)));
            return b.build();
        });
    }

    @Override
    public void watch(WatchRequest request, StreamObserver<WatchResponse> out) {
        try {
            new WatchSession(feed, (ServerCallStreamObserver<WatchResponse>) out, WATCH_QUEUE).start(request.getFromRevision());
        } catch (RuntimeException e) {
            out.onError(StatusMapping.toStatus(e));
        }
    }

    /** Sends the mapped result, or the one status mapping of the failure or refusing outcome. */
    private static <T, R> void complete(CompletableFuture<T> result, StreamObserver<R> out, Function<T, R> map) {
        result.whenComplete((value, failure) -> {
            if (failure != null) {
                out.onError(StatusMapping.toStatus(failure));
                return;
            }
            StatusRuntimeException refused = value instanceof Outcome o ? StatusMapping.toStatus(o) : null;
            if (refused != null) {
                out.onError(refused);
                return;
            }
            R response;
            try {
                response = map.apply(value);
            } catch (RuntimeException e) {
                out.onError(StatusMapping.toStatus(e));
                return;
            }
            out.onNext(response);
            out.onCompleted();
        });
    }
}
