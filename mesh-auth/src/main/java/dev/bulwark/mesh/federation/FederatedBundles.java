package dev.bulwark.mesh.federation;

import dev.bulwark.mesh.bundle.BundleSet;
import dev.bulwark.mesh.bundle.BundleSource;
import dev.bulwark.mesh.bundle.Jwks;
import dev.bulwark.mesh.bundle.TrustBundle;
import dev.bulwark.mesh.spiffe.TrustDomain;
import dev.bulwark.mesh.tls.PeerCheck;
import dev.bulwark.mesh.tls.SpiffeTrustManager;
import dev.bulwark.mesh.tls.SvidValidator;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;

/**
 * The federation client: for each configured {@link Relationship} it fetches the peer's bundle from its
 * bundle endpoint and holds it under the configured trust domain. Bundles of different trust domains
 * are never merged; a fetched bundle replaces the held one only when its sequence is not lower. Polls
 * run at the held bundle's refresh hint (5 min without one, never more often than {@code minInterval});
 * a failed poll keeps the held bundle and retries at the next interval, not sooner (federation §6).
 *
 * <p>Thread model: polls run on one scheduler thread; {@link #refreshNow} may be called from any thread.
 * The held bundles are one immutable {@link BundleSet} swapped atomically, so readers never lock.
 */
public final class FederatedBundles implements BundleSource, AutoCloseable {

    /** The spec's suggested interval when a bundle carries no refresh hint (bundle §6.1, federation §4.1). */
    public static final Duration DEFAULT_POLL = Duration.ofMinutes(5);
    /** A bundle endpoint serves a few KiB; anything past this is refused, not buffered. */
    static final int MAX_BUNDLE_BYTES = 1 << 20;

    private final AtomicReference<BundleSet> held = new AtomicReference<>(BundleSet.EMPTY);
    private final Map<TrustDomain, Peer> peers = new ConcurrentHashMap<>();
    private final InstantSource clock;
    private final Duration minInterval;
    private final Duration timeout;
    private final ScheduledExecutorService scheduler;

    private record Peer(Relationship relationship, HttpClient http) {
    }

    /**
     * @param minInterval the shortest poll interval, whatever the hint says
     * @param timeout connect and request timeout of one fetch
     */
    public FederatedBundles(InstantSource clock, Duration minInterval, Duration timeout) {
        this.clock = clock;
        this.minInterval = minInterval;
        this.timeout = timeout;
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "federation-poll");
            t.setDaemon(true);
            return t;
        });
    }

    @Override
    public BundleSet bundles() {
        return held.get();
    }

    /** Adds {@code r} (replacing any relationship for its trust domain) without fetching yet. */
    public void add(Relationship r) {
        Peer previous = peers.put(r.trustDomain(), new Peer(r, client(r)));
        if (previous != null) {
            previous.http().close();
        }
    }

    /** Ends the relationship with {@code td}: its bundle is deleted, so its SVIDs stop validating. */
    public void remove(TrustDomain td) {
        Peer p = peers.remove(td);
        if (p != null) {
            p.http().close();
        }
        held.updateAndGet(s -> s.without(td));
    }

    public List<Relationship> relationships() {
        return peers.values().stream().map(Peer::relationship).toList();
    }

    /** Starts polling every relationship: a fetch now, then one per interval. */
    public void start() {
        for (TrustDomain td : peers.keySet()) {
            scheduler.execute(() -> pollAndReschedule(td));
        }
    }

    private void pollAndReschedule(TrustDomain td) {
        if (!peers.containsKey(td) || scheduler.isShutdown()) {
            return;
        }
        refreshNow(td);
        Duration next = pollInterval(held.get().get(td), minInterval);
        scheduler.schedule(() -> pollAndReschedule(td), next.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** How long to wait before the next poll: the refresh hint, or 5 min without one; at least {@code floor}. */
    public static Duration pollInterval(Optional<TrustBundle> held, Duration floor) {
        Duration hint = held.map(TrustBundle::refreshHint).filter(h -> !h.isZero()).orElse(DEFAULT_POLL);
        return hint.compareTo(floor) < 0 ? floor : hint;
    }

    /** Fetches {@code td}'s bundle now, on the calling thread. */
    public FetchOutcome refreshNow(TrustDomain td) {
        Peer peer = peers.get(td);
        if (peer == null) {
            return new FetchOutcome.Failed("no federation relationship with " + td);
        }
        Relationship r = peer.relationship();
        TrustBundle fetched;
        try {
            HttpResponse<InputStream> response = peer.http().send(HttpRequest.newBuilder(r.url()).timeout(timeout)
                    .header("Accept", "application/json").GET().build(), HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream body = response.body()) {
                if (response.statusCode() != 200) {
                    return new FetchOutcome.Failed(r.url() + " answered HTTP " + response.statusCode());
                }
                byte[] bytes = body.readNBytes(MAX_BUNDLE_BYTES + 1);
                if (bytes.length > MAX_BUNDLE_BYTES) {
                    return new FetchOutcome.Failed(r.url() + " sent more than " + MAX_BUNDLE_BYTES + " bytes");
                }
                fetched = Jwks.read(td, new String(bytes, StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            return new FetchOutcome.Failed("fetching " + td + " from " + r.url() + " (" + r.profile().specName()
                    + ") failed: " + rootCause(e));
        } catch (IllegalArgumentException e) {
            return new FetchOutcome.Failed(r.url() + " served an invalid bundle: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new FetchOutcome.Failed("interrupted");
        }
        if (!peers.containsKey(td)) {
            return new FetchOutcome.Failed("relationship with " + td + " ended during the fetch");
        }
        BundleSet before = held.get();
        BundleSet after = held.updateAndGet(s -> s.with(fetched));
        TrustBundle now = after.get(td).orElseThrow();
        boolean changed = before.get(td).map(b -> !b.equals(now)).orElse(true);
        return changed ? new FetchOutcome.Updated(now) : new FetchOutcome.Unchanged(now);
    }

    private static String rootCause(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t == e ? String.valueOf(e.getMessage()) : e.getMessage() + ": " + t.getMessage();
    }

    private HttpClient client(Relationship r) {
        TrustManager[] trust = switch (r.profile()) {
            case HTTPS_WEB -> EndpointTls.webTrust(r.webRoots());
            case HTTPS_SPIFFE -> new TrustManager[] {new SpiffeTrustManager(() -> endpointBundles(r),
                    new SvidValidator(clock), PeerCheck.exactly(r.endpointId()))};
        };
        SSLContext ctx = EndpointTls.context(null, trust);
        return HttpClient.newBuilder().sslContext(ctx).sslParameters(EndpointTls.parameters(ctx))
                .connectTimeout(timeout)
                // Redirects are followed but never remembered; each one is authenticated like the URL.
                .followRedirects(HttpClient.Redirect.NORMAL)
                .build();
    }

    /**
     * The bundle an https_spiffe endpoint's SVID is checked against: the latest fetched bundle of the
     * endpoint's trust domain when it is the one being fetched (§5.2.2), else the out-of-band bundle.
     */
    private BundleSet endpointBundles(Relationship r) {
        TrustDomain endpointTd = r.endpointId().trustDomain();
        TrustBundle b = held.get().get(endpointTd).filter(x -> endpointTd.equals(r.trustDomain()))
                .orElse(r.initialBundle());
        return BundleSet.of(b);
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
        peers.values().forEach(p -> p.http().close());
        peers.clear();
    }
}
