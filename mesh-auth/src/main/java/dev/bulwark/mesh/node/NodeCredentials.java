package dev.bulwark.mesh.node;

import dev.bulwark.mesh.bundle.BundleSet;
import dev.bulwark.mesh.bundle.BundleSource;
import dev.bulwark.mesh.bundle.TrustBundle;
import dev.bulwark.mesh.ca.SvidPolicy;
import dev.bulwark.mesh.ca.bouncycastle.BouncyCastleCertificateSigner;
import dev.bulwark.mesh.grpc.MeshCaClient;
import dev.bulwark.mesh.spiffe.SpiffeId;
import dev.bulwark.mesh.tls.MeshTls;
import dev.bulwark.mesh.tls.PeerCheck;
import dev.bulwark.mesh.tls.SvidSource;
import dev.bulwark.mesh.tls.X509Svid;
import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A node agent's control-plane credentials. {@link #bootstrap} attests the node to MeshCA with a one-time
 * join token (the key pair is generated here; only a CSR leaves the agent) and returns credentials that:
 * <ul>
 *   <li>renew the node SVID over mTLS with the current one at half-life ±10 % (the jitter spreads a
 *       fleet's renewals), retrying every {@code retryDelay} while the current SVID is still valid;</li>
 *   <li>keep the trust bundles current from MeshCA's bundle watch (re-subscribing after a break), so a CA
 *       rotation reaches every channel before the new authority signs.</li>
 * </ul>
 * It is the {@link SvidSource} and {@link BundleSource} of {@link #tls()}, so every channel built from it
 * presents the newest SVID at its next handshake; nothing needs rebuilding on renewal.
 *
 * <p>Concurrency: renewals run on the injected scheduler (single-threaded is enough) under this object's
 * lock; bundle updates arrive on the one watch stream's gRPC callback thread, one at a time, and never take
 * the lock, so a slow renewal does not hold them up. {@link #svid()} and {@link #bundles()} read volatile
 * fields from any thread.
 */
public final class NodeCredentials implements SvidSource, BundleSource, AutoCloseable {

    private final NodeBootstrap config;
    private final InstantSource clock;
    private final SecureRandom random;
    private final ScheduledExecutorService scheduler;
    private final SpiffeId meshCaId;
    private final ManagedChannel meshCaChannel;
    private final MeshCaClient meshCa;
    private volatile X509Svid svid;
    private volatile BundleSet bundles;
    private volatile Instant renewAt;
    private volatile ScheduledFuture<?> renewal;
    private volatile boolean closed;

    private NodeCredentials(NodeBootstrap config, X509Svid svid, InstantSource clock, SecureRandom random,
                            ScheduledExecutorService scheduler) {
        this.config = config;
        this.clock = clock;
        this.random = random;
        this.scheduler = scheduler;
        this.svid = svid;
        this.bundles = config.trustedBundles();
        this.meshCaId = meshCaId(config);
        MeshTls tls = new MeshTls(this, this, PeerCheck.exactly(meshCaId), clock);
        this.meshCaChannel = Grpc.newChannelBuilderForAddress(config.meshCaHost(), config.meshCaPort(),
                tls.channelCredentials()).build();
        this.meshCa = new MeshCaClient(meshCaChannel, new BouncyCastleCertificateSigner(), config.keyAlgorithm(), random);
    }

    /** {@link #bootstrap(NodeBootstrap, InstantSource, SecureRandom, ScheduledExecutorService, Duration)} for up to 2 minutes. */
    public static NodeCredentials bootstrap(NodeBootstrap config, InstantSource clock, SecureRandom random,
                                            ScheduledExecutorService scheduler) {
        return bootstrap(config, clock, random, scheduler, Duration.ofMinutes(2));
    }

    /**
     * Attests the node (blocking) and starts renewal and the bundle watch on {@code scheduler}. While MeshCA
     * is unreachable (UNAVAILABLE: not started yet, or the handshake broke off) it tries again every
     * {@code retryDelay} for up to {@code patience}; a refused token, or an unreachable CA after that, throws the
     * gRPC {@code StatusRuntimeException}. A retry after a lost answer meets a consumed token and is refused
     * as such (PERMISSION_DENIED), never attested twice.
     */
    public static NodeCredentials bootstrap(NodeBootstrap config, InstantSource clock, SecureRandom random,
                                            ScheduledExecutorService scheduler, Duration patience) {
        Instant giveUp = clock.instant().plus(patience);
        while (true) {
            try {
                NodeCredentials c = new NodeCredentials(config, attest(config, clock, random), clock, random, scheduler);
                c.scheduleRenewal();
                c.watchBundles();
                return c;
            } catch (StatusRuntimeException e) {
                if (e.getStatus().getCode() != Status.Code.UNAVAILABLE || !clock.instant().isBefore(giveUp)) {
                    throw e;
                }
            }
            try {
                Thread.sleep(config.retryDelay().toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw Status.CANCELLED.withDescription("interrupted while waiting for MeshCA").asRuntimeException();
            }
        }
    }

    private static X509Svid attest(NodeBootstrap config, InstantSource clock, SecureRandom random) {
        MeshTls anonymous = new MeshTls(null, config::trustedBundles, PeerCheck.exactly(meshCaId(config)), clock);
        ManagedChannel channel = Grpc.newChannelBuilderForAddress(config.meshCaHost(), config.meshCaPort(),
                anonymous.channelCredentials()).build();
        try {
            return new MeshCaClient(channel, new BouncyCastleCertificateSigner(), config.keyAlgorithm(), random)
                    .attestWithJoinToken(config.trustDomain(), config.nodeName(), config.joinToken());
        } finally {
            channel.shutdownNow();
        }
    }

    /** MeshCA serves with {@code spiffe://<td>/bulwark/meshca}; the agent accepts no other server there. */
    static SpiffeId meshCaId(NodeBootstrap config) {
        return new SpiffeId(config.trustDomain(), "/bulwark/meshca");
    }

    @Override
    public X509Svid svid() {
        return svid;
    }

    @Override
    public BundleSet bundles() {
        return bundles;
    }

    /** When the current SVID is due for renewal. */
    public Instant renewAt() {
        return renewAt;
    }

    /**
     * mTLS for the control plane with the node SVID: servers must present a control-plane SVID of the
     * cluster's trust domain ({@code spiffe://<td>/bulwark/...}).
     */
    public MeshTls tls() {
        return new MeshTls(this, this, PeerCheck.controlPlaneServer(config.trustDomain()), clock);
    }

    /** A MeshCA client on the node SVID (to sign identity SVIDs, for instance). */
    public MeshCaClient meshCa() {
        return meshCa;
    }

    /** Renews now (blocking); on success the next renewal is scheduled from the new SVID. */
    public synchronized X509Svid renew() {
        X509Svid next = meshCa.renewNode(config.trustDomain(), config.nodeName());
        svid = next;
        scheduleRenewal();
        return next;
    }

    private synchronized void scheduleRenewal() {
        if (closed) {
            return;
        }
        X509Svid current = svid;
        renewAt = SvidPolicy.renewAt(current.leaf().getNotBefore().toInstant(), current.notAfter(), random);
        schedule(Duration.between(clock.instant(), renewAt));
    }

    private void schedule(Duration delay) {
        ScheduledFuture<?> previous = renewal;
        if (previous != null) {
            previous.cancel(false);
        }
        renewal = scheduler.schedule(this::renewOrRetry, Math.max(0, delay.toMillis()), TimeUnit.MILLISECONDS);
    }

    private void renewOrRetry() {
        try {
            renew();
        } catch (RuntimeException e) {
            // Keep trying while the current SVID is valid; after that only a new join token helps.
            synchronized (this) {
                if (!closed && clock.instant().isBefore(svid.notAfter())) {
                    schedule(config.retryDelay());
                }
            }
        }
    }

    private void watchBundles() {
        if (closed) {
            return;
        }
        meshCa.watchBundles(this::accept, end -> {
            if (!closed) {
                scheduler.schedule(this::watchBundles, config.retryDelay().toMillis(), TimeUnit.MILLISECONDS);
            }
        });
    }

    private void accept(TrustBundle bundle) {
        bundles = bundles.with(bundle);
    }

    @Override
    public void close() {
        synchronized (this) {
            closed = true;
            if (renewal != null) {
                renewal.cancel(false);
            }
        }
        meshCaChannel.shutdownNow();
    }
}
