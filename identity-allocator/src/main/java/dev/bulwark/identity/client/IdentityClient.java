package dev.bulwark.identity.client;

import dev.bulwark.model.Label;
import dev.bulwark.model.LabelSet;
import dev.bulwark.proto.identity.v1.AllocateRequest;
import dev.bulwark.proto.identity.v1.AllocateResponse;
import dev.bulwark.proto.identity.v1.Identity;
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
import io.grpc.ChannelCredentials;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/**
 * A client of the replicated IdentityService. Give it every replica's gRPC address; it sends each call
 * to the replica it believes is the leader, follows {@code leader=host:port} hints in UNAVAILABLE
 * answers at once, and otherwise tries the other replicas, pausing after each round that found no leader
 * ({@link LeaderSearch}: 50 ms doubling to {@link Options#maxBackoff()}), for at most
 * {@link Options#maxRetryTime()} (kept below the servers' 60 s retry-cache expiry). UNAVAILABLE,
 * DEADLINE_EXCEEDED and CANCELLED (a replica stopping mid-call) are retried. Every mutating call
 * is idempotent on the server (Allocate per owner and label set, Release, KeepAlive), so a retry after
 * an unknown outcome is safe.
 *
 * <p>Errors that retrying cannot fix are thrown at once as {@link StatusRuntimeException}:
 * INVALID_ARGUMENT (the message names the field, e.g. {@code label_sets[0].labels[2].key: ...}),
 * RESOURCE_EXHAUSTED, NOT_FOUND, OUT_OF_RANGE. When retries run out the last UNAVAILABLE or
 * DEADLINE_EXCEEDED is thrown.
 *
 * <p>Thread-safe; share one instance (sharing is what lets concurrent {@link #allocate} calls be merged
 * into one RPC). Calls block the calling thread (virtual threads are fine).
 * Close it to release the channels.
 */
public final class IdentityClient implements AutoCloseable {

    /**
     * @param callTimeout    deadline of one attempt
     * @param maxRetryTime   total time across attempts; at most 50 s (below the 60 s retry cache)
     * @param initialBackoff first pause after a round over all replicas found no leader
     * @param maxBackoff     largest pause (how late the client may notice a newly elected leader)
     */
    public record Options(Duration callTimeout, Duration maxRetryTime, Duration initialBackoff, Duration maxBackoff) {

        /** 250 ms cap: during an election the client asks again at most that long after a leader is ready. */
        public static final Options DEFAULT = new Options(Duration.ofSeconds(5), Duration.ofSeconds(30),
                Duration.ofMillis(50), Duration.ofMillis(250));

        public Options {
            if (callTimeout == null || callTimeout.toMillis() < 1) {
                throw new IllegalArgumentException("callTimeout: must be positive");
            }
            if (maxRetryTime == null || maxRetryTime.isNegative() || maxRetryTime.compareTo(Duration.ofSeconds(50)) > 0) {
                throw new IllegalArgumentException("maxRetryTime: must be 0..50s (below the 60s retry-cache expiry), was " + maxRetryTime);
            }
            if (initialBackoff == null || maxBackoff == null || initialBackoff.isNegative() || maxBackoff.compareTo(initialBackoff) < 0) {
                throw new IllegalArgumentException("initialBackoff/maxBackoff: need 0 <= initial <= max");
            }
        }
    }

    /** Marks the leader's address in UNAVAILABLE messages (matches the server's StatusMapping). */
    static final String LEADER_PREFIX = "leader=";
    /** Allocate RPCs one client has outstanding before further calls queue up and get merged. */
    static final int COALESCED_RPCS_IN_FLIGHT = 2;
    /** reserved:host, the one identity every store has (used to read the revision). */
    private static final int HOST_IDENTITY = 1;
    /** The server's limit of label sets per AllocateRequest. */
    static final int MAX_SETS_PER_ALLOCATE = 1000;

    private final List<String> addresses;
    private final Options options;
    private final Map<String, ManagedChannel> channels = new ConcurrentHashMap<>();
    private final AtomicReference<String> target;
    private final ChannelCredentials credentials;
    /** Runs coalesced Allocate RPCs (they block on gRPC); virtual threads, so a blocked RPC costs no platform thread. */
    private final ExecutorService rpcThreads = Executors.newVirtualThreadPerTaskExecutor();
    private final AllocationCoalescer coalescer = new AllocationCoalescer(this::allocateNow, rpcThreads,
            COALESCED_RPCS_IN_FLIGHT, MAX_SETS_PER_ALLOCATE);

    private IdentityClient(List<String> addresses, Options options, ChannelCredentials credentials) {
        if (addresses.isEmpty()) {
            throw new IllegalArgumentException("addresses: at least one replica address (host:port) is required");
        }
        for (String a : addresses) {
            parsePort(a);
        }
        this.addresses = List.copyOf(addresses);
        this.options = options;
        this.target = new AtomicReference<>(addresses.getFirst());
        this.credentials = java.util.Objects.requireNonNull(credentials, "credentials");
    }

    /** A client of the replicas at {@code addresses} ({@code host:port} each) with {@link Options#DEFAULT}. */
    public static IdentityClient connect(List<String> addresses) {
        return new IdentityClient(addresses, Options.DEFAULT, InsecureChannelCredentials.create());
    }

    public static IdentityClient connect(List<String> addresses, Options options) {
        return new IdentityClient(addresses, options, InsecureChannelCredentials.create());
    }

    /** A client dialling with {@code credentials}, e.g. mesh-auth's mTLS credentials carrying a node SVID. */
    public static IdentityClient connect(List<String> addresses, Options options, ChannelCredentials credentials) {
        return new IdentityClient(addresses, options, credentials);
    }

    /**
     * Allocates (or finds) the identity of each label set and references it for {@code owner}. Calls made
     * concurrently from several threads while earlier Allocate RPCs are in flight are merged into one RPC
     * per owner ({@link AllocationCoalescer}); each caller still gets only its own allocations and errors.
     */
    public AllocateResponse allocate(String owner, List<LabelSet> labelSets) {
        return coalescer.allocate(owner, labelSets);
    }

    private AllocateResponse allocateNow(String owner, List<LabelSet> labelSets) {
        AllocateRequest.Builder b = AllocateRequest.newBuilder().setOwner(owner);
        labelSets.forEach(s -> b.addLabelSets(toProto(s)));
        AllocateRequest request = b.build();
        return call(stub -> stub.allocate(request));
    }

    public ReleaseResponse release(String owner, List<Integer> ids) {
        ReleaseRequest request = ReleaseRequest.newBuilder().setOwner(owner).addAllIds(ids).build();
        return call(stub -> stub.release(request));
    }

    public KeepAliveResponse keepAlive(String owner) {
        KeepAliveRequest request = KeepAliveRequest.newBuilder().setOwner(owner).build();
        return call(stub -> stub.keepAlive(request));
    }

    /** The identity numbered {@code id}, or empty if it does not exist (linearizable). */
    public Optional<Identity> lookup(int id) {
        LookupRequest request = LookupRequest.newBuilder().setId(id).build();
        try {
            return Optional.of(call(stub -> stub.lookup(request)).getIdentity());
        } catch (StatusRuntimeException e) {
            if (e.getStatus().getCode() == Status.Code.NOT_FOUND) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /** The identity of {@code labels} (after the server's security-label filter), or empty (linearizable). */
    public Optional<Identity> lookup(LabelSet labels) {
        LookupRequest request = LookupRequest.newBuilder().setLabels(toProto(labels)).build();
        LookupResponse r = call(stub -> stub.lookup(request));
        return r.getFound() ? Optional.of(r.getIdentity()) : Optional.empty();
    }

    /**
     * The store's revision at a linearizable point inside this call: every allocation or release
     * acknowledged before the call started has a revision at most this. (A Lookup of the reserved host
     * identity, which always exists and costs the replica only its read barrier.)
     */
    public long readRevision() {
        LookupRequest request = LookupRequest.newBuilder().setId(HOST_IDENTITY).build();
        return call(stub -> stub.lookup(request)).getRevision();
    }

    /** One page of identities with id greater than {@code afterId}, ascending; pageSize 0 means 1000. */
    public ListResponse list(int afterId, int pageSize) {
        ListRequest request = ListRequest.newBuilder().setAfterId(afterId).setPageSize(pageSize).build();
        return call(stub -> stub.list(request));
    }

    /** Every identity, paging through {@link #list}. */
    public List<Identity> listAll() {
        List<Identity> out = new ArrayList<>();
        int after = 0;
        while (true) {
            ListResponse page = list(after, 1000);
            out.addAll(page.getIdentitiesList());
            if (!page.getMore() || page.getIdentitiesCount() == 0) {
                return out;
            }
            after = page.getIdentities(page.getIdentitiesCount() - 1).getId();
        }
    }

    /**
     * Opens a Watch on the current target replica: {@code observer} gets the snapshot or replay, then
     * live changes. Not retried: on an error, open a new watch from the last revision received.
     * Close the returned handle to cancel.
     */
    public AutoCloseable watch(long fromRevision, StreamObserver<WatchResponse> observer) {
        AtomicReference<ClientCallStreamObserver<WatchRequest>> call = new AtomicReference<>();
        IdentityServiceGrpc.newStub(channel(target.get())).watch(WatchRequest.newBuilder().setFromRevision(fromRevision).build(),
                new ClientResponseObserver<WatchRequest, WatchResponse>() {
                    @Override
                    public void beforeStart(ClientCallStreamObserver<WatchRequest> requestStream) {
                        call.set(requestStream);
                    }

                    @Override
                    public void onNext(WatchResponse value) {
                        observer.onNext(value);
                    }

                    @Override
                    public void onError(Throwable t) {
                        observer.onError(t);
                    }

                    @Override
                    public void onCompleted() {
                        observer.onCompleted();
                    }
                });
        return () -> call.get().cancel("closed by client", null);
    }

    Options options() {
        return options;
    }

    /** The replica the next call goes to first. */
    public String currentTarget() {
        return target.get();
    }

    private <T> T call(Function<IdentityServiceGrpc.IdentityServiceBlockingStub, T> rpc) {
        long deadline = System.nanoTime() + options.maxRetryTime().toNanos();
        LeaderSearch search = new LeaderSearch(addresses.size(), options.initialBackoff(), options.maxBackoff());
        int rotation = addresses.indexOf(target.get());
        while (true) {
            String address = target.get();
            try {
                return rpc.apply(IdentityServiceGrpc.newBlockingStub(channel(address))
                        .withDeadlineAfter(options.callTimeout().toMillis(), TimeUnit.MILLISECONDS));
            } catch (StatusRuntimeException e) {
                Status.Code code = e.getStatus().getCode();
                // CANCELLED here is a replica shutting down mid-call (our own cancellation is the interrupt below).
                boolean retryable = code == Status.Code.UNAVAILABLE || code == Status.Code.DEADLINE_EXCEEDED
                        || (code == Status.Code.CANCELLED && !Thread.currentThread().isInterrupted());
                if (!retryable) {
                    throw e;
                }
                if (System.nanoTime() >= deadline) {
                    throw e;
                }
                Optional<String> leader = leaderHint(e.getStatus());
                if (leader.isPresent() && !leader.get().equals(address)) {
                    target.compareAndSet(address, leader.get());
                    continue;
                }
                rotation = (Math.max(rotation, 0) + 1) % addresses.size();
                target.compareAndSet(address, addresses.get(rotation));
                long pause = search.failedWithoutLeader().toMillis();
                if (pause > 0) {
                    sleep(Math.min(pause, Math.max(0, (deadline - System.nanoTime()) / 1_000_000)));
                }
            }
        }
    }

    static Optional<String> leaderHint(Status status) {
        String d = status.getDescription();
        if (d == null) {
            return Optional.empty();
        }
        int at = d.indexOf(LEADER_PREFIX);
        if (at < 0) {
            return Optional.empty();
        }
        String rest = d.substring(at + LEADER_PREFIX.length()).trim();
        int end = 0;
        while (end < rest.length() && !Character.isWhitespace(rest.charAt(end)) && rest.charAt(end) != ';' && rest.charAt(end) != ',') {
            end++;
        }
        return end == 0 ? Optional.empty() : Optional.of(rest.substring(0, end));
    }

    private ManagedChannel channel(String address) {
        return channels.computeIfAbsent(address, a -> {
            int colon = a.lastIndexOf(':');
            return NettyChannelBuilder.forAddress(a.substring(0, colon), parsePort(a), credentials).build();
        });
    }

    private static int parsePort(String address) {
        int colon = address.lastIndexOf(':');
        try {
            if (colon <= 0) {
                throw new NumberFormatException();
            }
            return Integer.parseInt(address.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("address \"" + address + "\": expected host:port", e);
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw Status.CANCELLED.withDescription("interrupted while retrying").asRuntimeException();
        }
    }

    private static dev.bulwark.proto.identity.v1.LabelSet toProto(LabelSet set) {
        dev.bulwark.proto.identity.v1.LabelSet.Builder b = dev.bulwark.proto.identity.v1.LabelSet.newBuilder();
        for (Label l : set) {
            b.addLabels(dev.bulwark.proto.identity.v1.Label.newBuilder().setSource(l.source()).setKey(l.key()).setValue(l.value()));
        }
        return b.build();
    }

    @Override
    public void close() {
        rpcThreads.shutdownNow();
        for (ManagedChannel c : channels.values()) {
            c.shutdownNow();
        }
        for (ManagedChannel c : channels.values()) {
            try {
                c.awaitTermination(2, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
