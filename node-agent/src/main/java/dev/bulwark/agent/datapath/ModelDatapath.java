package dev.bulwark.agent.datapath;

import dev.bulwark.model.policy.Direction;
import dev.bulwark.model.policy.PolicyLookup;
import java.time.Duration;
import java.time.InstantSource;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The model datapath: the eBPF program's per-packet steps in Java, over in-memory maps, for when bpf()
 * is refused and as the reference the kernel is tested against. For each IPv4 packet on an endpoint's
 * interface: conntrack (forward, then reply), ipcache, {@link PolicyLookup#decide}, the auth map (for an
 * allow that requires authentication: a live entry for the endpoint's identity and the peer's), counters
 * and events. Endpoints are keyed by the interface index, as the kernel's conntrack is. Not thread-safe;
 * one owner (the auth map alone may be written from other threads).
 */
public final class ModelDatapath {

    /** The kernel conntrack map's max_entries (LRU). */
    public static final int CONNTRACK_CAPACITY = 65_536;

    private record CtKey(int ifindex, FlowTuple tuple, Direction direction) {
    }

    private static final class CtValue {
        long lastSeenNs;
        boolean closing;
        final int remoteIdentity;

        CtValue(long now, int remoteIdentity) {
            this.lastSeenNs = now;
            this.remoteIdentity = remoteIdentity;
        }
    }

    private final InstantSource clock;
    private final Consumer<FlowEvent> events;
    private final InMemoryIpcacheMap ipcache = new InMemoryIpcacheMap();
    private final Map<Integer, InMemoryPolicyMap> endpoints = new HashMap<>();
    private final Map<Integer, Integer> endpointIdentities = new HashMap<>();
    private final InMemoryAuthMap auth = new InMemoryAuthMap();
    private final long[] packets = new long[Reason.SLOTS];
    private final LinkedHashMap<CtKey, CtValue> conntrack = new LinkedHashMap<>(1024, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<CtKey, CtValue> eldest) {
            return size() > CONNTRACK_CAPACITY;
        }
    };
    private DatapathConfig config;

    public ModelDatapath(DatapathConfig config, InstantSource clock, Consumer<FlowEvent> events) {
        this.config = config;
        this.clock = clock;
        this.events = events;
    }

    public InMemoryIpcacheMap ipcache() {
        return ipcache;
    }

    /** The policy map of the endpoint on interface {@code ifindex}, created empty (deny all) if new. */
    public InMemoryPolicyMap endpoint(int ifindex) {
        return endpoints.computeIfAbsent(ifindex, i -> new InMemoryPolicyMap("ifindex " + i));
    }

    /** The auth map (node-wide, as the kernel's). */
    public InMemoryAuthMap auth() {
        return auth;
    }

    /** Sets the identity of the endpoint on {@code ifindex} (the kernel's per-endpoint {@code endpoint} map). */
    public void setEndpointIdentity(int ifindex, int identity) {
        endpointIdentities.put(ifindex, identity);
    }

    public void removeEndpoint(int ifindex) {
        endpoints.remove(ifindex);
        endpointIdentities.remove(ifindex);
        conntrack.keySet().removeIf(k -> k.ifindex() == ifindex);
    }

    public void configure(DatapathConfig next) {
        this.config = next;
    }

    public long packets(Reason reason) {
        return packets[reason.code()];
    }

    /** TCP flag bits the conntrack watches. */
    public static final int TCP_FIN = 0x01;
    public static final int TCP_SYN = 0x02;
    public static final int TCP_RST = 0x04;
    public static final int TCP_ACK = 0x10;

    /** Judges one IPv4 packet (a TCP SYN for TCP) seen on {@code ifindex} in {@code direction}. */
    public Reason process(int ifindex, Direction direction, FlowTuple t) {
        return process(ifindex, direction, t, t.protocol() == 6 ? TCP_SYN : 0);
    }

    /** Judges one IPv4 packet with TCP flags {@code tcpFlags} (ignored for other protocols). */
    public Reason process(int ifindex, Direction direction, FlowTuple t, int tcpFlags) {
        long now = nanos();
        boolean closes = t.protocol() == 6 && (tcpFlags & (TCP_FIN | TCP_RST)) != 0;
        CtValue fwd = conntrack.get(new CtKey(ifindex, t, direction));
        if (fwd != null && live(fwd, t.protocol(), now)) {
            fwd.lastSeenNs = now;
            fwd.closing |= closes;
            return finish(ifindex, direction, t, fwd.remoteIdentity, Reason.ALLOWED_ESTABLISHED, false);
        }
        Direction other = direction == Direction.INGRESS ? Direction.EGRESS : Direction.INGRESS;
        CtValue rev = conntrack.get(new CtKey(ifindex, t.reversed(), other));
        if (rev != null && live(rev, t.protocol(), now)) {
            rev.lastSeenNs = now;
            rev.closing |= closes;
            return finish(ifindex, direction, t, rev.remoteIdentity, Reason.ALLOWED_REPLY, false);
        }
        int identity = ipcache.identityOf(direction == Direction.EGRESS ? t.daddr() : t.saddr());
        InMemoryPolicyMap map = endpoints.get(ifindex);
        PolicyLookup.Decision d = PolicyLookup.decide(map == null ? dev.bulwark.model.policy.MapState.EMPTY : map.read(),
                identity, direction, t.protocol(), t.dport());
        Reason reason = Reason.forNewFlow(d, config, d.authRequired() && authenticated(ifindex, identity));
        if (reason == Reason.ALLOWED_NEW) {
            CtValue v = new CtValue(now, identity);
            v.closing = closes;
            conntrack.put(new CtKey(ifindex, t, direction), v);
        }
        return finish(ifindex, direction, t, identity, reason, true);
    }

    private boolean authenticated(int ifindex, int remoteIdentity) {
        int local = endpointIdentities.getOrDefault(ifindex, 0);
        return local != 0 && remoteIdentity != 0
                && AuthMap.live(auth.expiry(AuthKey.spiffe(local, remoteIdentity)), clock.instant());
    }

    private boolean live(CtValue v, int protocol, long now) {
        long lifetime = (protocol != 6 ? config.otherLifetime()
                : v.closing ? Duration.ofMillis(config.tcpClosingLifetime().toMillis()) : config.tcpLifetime()).toNanos();
        return now - v.lastSeenNs <= lifetime;
    }

    private Reason finish(int ifindex, Direction dir, FlowTuple t, int identity, Reason reason, boolean emit) {
        packets[reason.code()]++;
        boolean want = reason.passes() ? config.eventsAllowed() : config.eventsDropped();
        if (emit && want) {
            events.accept(new FlowEvent(nanos(), ifindex, t.saddr(), t.daddr(), identity, t.sport(), t.dport(),
                    t.protocol(), dir, reason.passes(), reason));
        }
        return reason;
    }

    private long nanos() {
        var i = clock.instant();
        return i.getEpochSecond() * 1_000_000_000L + i.getNano();
    }
}
