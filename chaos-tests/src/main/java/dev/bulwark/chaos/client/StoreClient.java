package dev.bulwark.chaos.client;

import dev.bulwark.chaos.history.OpType;
import dev.bulwark.chaos.history.OpValue;
import dev.bulwark.model.LabelSet;
import dev.bulwark.proto.identity.v1.AllocateRequest;
import dev.bulwark.proto.identity.v1.AllocateResponse;
import dev.bulwark.proto.identity.v1.IdentityServiceGrpc;
import dev.bulwark.proto.identity.v1.IdentityServiceGrpc.IdentityServiceBlockingStub;
import dev.bulwark.proto.identity.v1.KeepAliveRequest;
import dev.bulwark.proto.identity.v1.LookupRequest;
import dev.bulwark.proto.identity.v1.LookupResponse;
import dev.bulwark.proto.identity.v1.ReleaseRequest;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The harness's client of the identity store, over the generated gRPC stubs only. One channel per
 * replica, shared by all logical processes (channels are thread-safe). An operation may take several
 * attempts inside its deadline: writes follow {@code leader=host:port} hints and rotate past replicas
 * that refuse connections. This is safe because Allocate is idempotent (get-or-create per label set), and
 * the outcome stays honest: the operation is {@code fail} only if every attempt definitely failed
 * ({@link ErrorRules}); one ambiguous attempt makes it {@code info}.
 */
public final class StoreClient implements AutoCloseable {

    /** The owner every harness allocation references; kept alive by {@link #keepAlive}. */
    public static final String OWNER = "chaos-harness";

    private final Map<String, String> addresses;
    private final Map<String, ManagedChannel> channels = new LinkedHashMap<>();
    private final List<String> nodes;
    private final Duration timeout;
    private final AtomicReference<String> leader = new AtomicReference<>();

    /**
     * @param addresses node name to gRPC {@code host:port}
     * @param timeout   deadline of one operation (all its attempts)
     */
    public StoreClient(Map<String, String> addresses, Duration timeout) {
        this.addresses = Map.copyOf(addresses);
        this.nodes = List.copyOf(addresses.keySet());
        this.timeout = timeout;
        addresses.forEach((node, address) -> channels.put(node, NettyChannelBuilder.forTarget(address)
                .usePlaintext().build()));
    }

    public List<String> nodes() {
        return nodes;
    }

    public Duration timeout() {
        return timeout;
    }

    ManagedChannel channel(String node) {
        return channels.get(node);
    }

    /** A logical process bound to a preferred replica (process number modulo the replica count). */
    public ClientProcess open(int process) {
        return open(process, 0);
    }

    /** As {@link #open(int)}, preferring the replica {@code shift} places further along. */
    public ClientProcess open(int process, int shift) {
        return new ClientProcess(this, nodes.get(Math.floorMod(process + shift, nodes.size())));
    }

    private IdentityServiceBlockingStub stub(String node, long deadlineNanos) {
        return IdentityServiceGrpc.newBlockingStub(channels.get(node))
                .withDeadlineAfter(Math.max(1, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
    }

    Completion allocate(String preferred, int key) {
        LabelSet set = LabelSets.of(key);
        AllocateRequest req = AllocateRequest.newBuilder().setOwner(OWNER).addLabelSets(LabelSets.toProto(set)).build();
        return attempt(preferred, true, set.canonical(), node -> {
            AllocateResponse r = stub(node, deadline()).allocate(req);
            return new OpValue(set.canonical(), (long) r.getAllocations(0).getId(), r.getRevision(),
                    r.getAllocations(0).getCreated() ? "created" : null);
        });
    }

    Completion read(String preferred, int key) {
        LabelSet set = LabelSets.of(key);
        LookupRequest req = LookupRequest.newBuilder().setLabels(LabelSets.toProto(set)).build();
        return attempt(preferred, false, set.canonical(), node -> {
            LookupResponse r = stub(node, deadline()).lookup(req);
            return new OpValue(set.canonical(), r.getFound() ? (long) r.getIdentity().getId() : null,
                    r.getRevision(), null);
        });
    }

    private final ThreadLocal<Long> currentDeadline = new ThreadLocal<>();

    private long deadline() {
        return currentDeadline.get();
    }

    @FunctionalInterface
    private interface Call {
        OpValue on(String node);
    }

    private Completion attempt(String preferred, boolean mutating, String key, Call call) {
        long deadline = System.nanoTime() + timeout.toNanos();
        currentDeadline.set(deadline);
        String node = mutating && leader.get() != null ? leader.get() : preferred;
        boolean ambiguous = false;
        String lastError = "no attempt";
        while (true) {
            try {
                OpValue v = call.on(node);
                if (mutating) {
                    leader.set(node);
                }
                return new Completion(OpType.OK, v, null);
            } catch (RuntimeException e) {
                ErrorRules.Classified c = ErrorRules.classify(mutating, e);
                ambiguous |= mutating && c.type() == OpType.INFO;
                lastError = node + ": " + c.error();
                Status.Code code = e instanceof StatusRuntimeException s ? s.getStatus().getCode() : Status.Code.UNKNOWN;
                boolean retry = code == Status.Code.UNAVAILABLE && System.nanoTime() < deadline - 1_000_000;
                if (!retry) {
                    break;
                }
                // A channel that failed to connect backs off for up to minutes; a restarted replica must be
                // reachable at once, or the harness would report its own backoff as the store's stall.
                channels.get(node).resetConnectBackoff();
                String hinted = hintedLeader(e).orElse(null);
                if (hinted != null && !hinted.equals(node)) {
                    node = hinted;
                    leader.set(hinted);
                } else {
                    node = nodes.get((nodes.indexOf(node) + 1) % nodes.size());
                    sleepQuietly(Math.min(50, (deadline - System.nanoTime()) / 1_000_000));
                }
                // Out of time after the backoff: stop here rather than start a call that gRPC fails with
                // DEADLINE_EXCEEDED before sending it (that would turn a definite fail into an info).
                if (System.nanoTime() >= deadline - 1_000_000) {
                    break;
                }
            }
        }
        return new Completion(ambiguous ? OpType.INFO : OpType.FAIL, OpValue.ofKey(key), lastError);
    }

    /** The node named by a {@code leader=host:port} hint in an UNAVAILABLE message. */
    Optional<String> hintedLeader(Throwable e) {
        if (!(e instanceof StatusRuntimeException s) || s.getStatus().getDescription() == null) {
            return Optional.empty();
        }
        String d = s.getStatus().getDescription();
        int at = d.indexOf("leader=");
        if (at < 0) {
            return Optional.empty();
        }
        String address = d.substring(at + "leader=".length()).split("[\\s;,)]")[0];
        return addresses.entrySet().stream().filter(en -> en.getValue().equals(address)).map(Map.Entry::getKey)
                .findFirst();
    }

    /**
     * The current leader: a no-op Release (no ids) succeeds only on the leader, and followers name it.
     * Empty when no replica knows one within a second.
     */
    public Optional<String> findLeader() {
        ReleaseRequest probe = ReleaseRequest.newBuilder().setOwner(OWNER).build();
        for (String node : nodes) {
            try {
                IdentityServiceGrpc.newBlockingStub(channels.get(node)).withDeadlineAfter(1, TimeUnit.SECONDS)
                        .release(probe);
                leader.set(node);
                return Optional.of(node);
            } catch (StatusRuntimeException e) {
                channels.get(node).resetConnectBackoff();
                Optional<String> hinted = hintedLeader(e);
                if (hinted.isPresent()) {
                    return hinted;
                }
            }
        }
        return Optional.empty();
    }

    /**
     * Whether {@code node} serves a linearizable read now (a Lookup of the reserved host identity, within a
     * second): it is up, hears a leader, and has applied the log up to the leader's commit index, so it is
     * a working voter again after a restart.
     */
    public boolean serves(String node) {
        LookupRequest probe = LookupRequest.newBuilder().setId(1).build();
        try {
            IdentityServiceGrpc.newBlockingStub(channels.get(node)).withDeadlineAfter(1, TimeUnit.SECONDS).lookup(probe);
            return true;
        } catch (StatusRuntimeException e) {
            channels.get(node).resetConnectBackoff();
            return false;
        }
    }

    /** Renews the harness owner's lease on whichever replica takes it; false when none did. */
    public boolean keepAlive() {
        List<String> order = new ArrayList<>(nodes);
        String l = leader.get();
        if (l != null) {
            order.remove(l);
            order.addFirst(l);
        }
        for (String node : order) {
            try {
                IdentityServiceGrpc.newBlockingStub(channels.get(node)).withDeadlineAfter(1, TimeUnit.SECONDS)
                        .keepAlive(KeepAliveRequest.newBuilder().setOwner(OWNER).build());
                return true;
            } catch (StatusRuntimeException e) {
                hintedLeader(e).ifPresent(leader::set);
            }
        }
        return false;
    }

    private static void sleepQuietly(long ms) {
        try {
            Thread.sleep(Math.max(1, ms));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        channels.values().forEach(ManagedChannel::shutdownNow);
    }
}
