package dev.bulwark.mesh.ca;

import dev.bulwark.mesh.bundle.TrustBundle;
import dev.bulwark.mesh.spiffe.SpiffeId;
import dev.bulwark.mesh.spiffe.TrustDomain;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The signing authority of one trust domain and its rotation (SPIRE's schedule): a generation is
 * prepared, and published in the bundle, when the active one has less than half its life left, and
 * activated when less than a sixth remains, but never sooner than {@code publishAhead} after it was
 * published. A retired generation stays in the bundle until the last SVID it signed expires.
 *
 * <p>Thread model: every method is {@code synchronized} except the signature in {@link #issue}; the
 * state is a short list of generations and the bundle. Bundle listeners run under the lock, in sequence order, and must not block.
 */
public final class CertificateAuthority {

    private final TrustDomain trustDomain;
    private final String clusterName;
    private final KeyAlgorithm keyAlgorithm;
    private final SvidPolicy policy;
    private final Duration publishAhead;
    private final CertificateSigner signer;
    private final AuthorityStore store;
    private final InstantSource clock;
    private final SecureRandom random;
    private final List<Consumer<TrustBundle>> listeners = new CopyOnWriteArrayList<>();
    private final List<Authority> authorities = new ArrayList<>();
    private TrustBundle bundle;

    public CertificateAuthority(CaSettings settings, CertificateSigner signer, AuthorityStore store,
                                InstantSource clock, SecureRandom random) {
        this.trustDomain = settings.trustDomain();
        this.clusterName = settings.clusterName();
        this.keyAlgorithm = settings.keyAlgorithm();
        this.policy = settings.policy();
        this.publishAhead = settings.publishAhead();
        this.signer = signer;
        this.store = store;
        this.clock = clock;
        this.random = random;
        authorities.addAll(store.load());
        authorities.sort(Comparator.comparingInt(Authority::generation));
        this.bundle = new TrustBundle(trustDomain, store.loadSequence(), List.of(), settings.refreshHint());
        synchronized (this) {
            if (authorities.isEmpty()) {
                mint(clock.instant());
            }
            tick();
        }
    }

    public TrustDomain trustDomain() {
        return trustDomain;
    }

    public SvidPolicy policy() {
        return policy;
    }

    /** Applies the rotation schedule at the clock's now; returns the bundle (new sequence if changed). */
    public synchronized TrustBundle tick() {
        Instant now = clock.instant();
        Authority active = active(now);
        boolean prepared = authorities.getLast().generation() > active.generation();
        Duration life = Duration.between(active.notBefore(), active.notAfter());
        if (!prepared && Duration.between(now, active.notAfter()).compareTo(life.dividedBy(2)) < 0) {
            Instant activateAt = active.notAfter().minus(life.dividedBy(6));
            mint(activateAt.isBefore(now.plus(publishAhead)) ? now.plus(publishAhead) : activateAt);
            active = active(now);
        }
        Authority current = active;
        authorities.removeIf(a -> a.generation() < current.generation()
                && (!now.isBefore(a.lastIssuedNotAfter()) || !now.isBefore(a.notAfter())));
        publish();
        return bundle;
    }

    /**
     * Forces a rotation: prepares a new generation now (published at once) that starts signing
     * {@code publishAhead} later. A no-op if one is already prepared.
     */
    public synchronized TrustBundle rotate() {
        Instant now = clock.instant();
        if (authorities.getLast().generation() == active(now).generation()) {
            mint(now.plus(publishAhead));
        }
        return tick();
    }

    /**
     * Signs an X.509-SVID for {@code id} (which must be in this trust domain) certifying {@code key}.
     * The authority is chosen, and its last-issued expiry advanced, under the lock; the signature
     * itself is made outside it, so issuance scales with cores.
     */
    public IssuedSvid issue(SpiffeId id, PublicKey key, Duration requestedTtl) {
        if (!id.trustDomain().equals(trustDomain) || id.isRoot()) {
            throw new IllegalArgumentException("cannot issue " + id + " in trust domain " + trustDomain);
        }
        Authority signing;
        Instant now;
        Instant notAfter;
        BigInteger serial;
        synchronized (this) {
            tick();
            now = clock.instant();
            signing = active(now);
            notAfter = now.plus(policy.ttlFor(requestedTtl));
            if (notAfter.isAfter(signing.notAfter())) {
                notAfter = signing.notAfter();
            }
            int index = authorities.indexOf(signing);
            authorities.set(index, signing.issued(notAfter));
            serial = serial();
        }
        Instant notBefore = now.minus(policy.backdate());
        X509Certificate leaf = signer.sign(new CertificateTemplate(id, null, key, notBefore, notAfter, serial, false),
                signing.intermediate());
        List<X509Certificate> chain = new ArrayList<>();
        chain.add(leaf);
        chain.addAll(signing.intermediate().chainAboveRoot());
        return new IssuedSvid(id, chain, notAfter, SvidPolicy.renewAt(now, notAfter, random));
    }

    public synchronized TrustBundle bundle() {
        return bundle;
    }

    /** The generations held (oldest first): active, prepared and retired-but-trusted. */
    public synchronized List<Authority> authorities() {
        return List.copyOf(authorities);
    }

    public synchronized Authority activeAuthority() {
        return active(clock.instant());
    }

    /** Calls {@code listener} with the current bundle now and with every later change. */
    public synchronized void watch(Consumer<TrustBundle> listener) {
        listeners.add(listener);
        listener.accept(bundle);
    }

    public void unwatch(Consumer<TrustBundle> listener) {
        listeners.remove(listener);
    }

    private Authority active(Instant now) {
        Authority active = authorities.getFirst();
        for (Authority a : authorities) {
            if (!a.activateAt().isAfter(now)) {
                active = a;
            }
        }
        return active;
    }

    private void mint(Instant activateAt) {
        Instant now = clock.instant();
        int generation = authorities.isEmpty() ? 1 : authorities.getLast().generation() + 1;
        Instant notBefore = now.minus(policy.backdate());
        Instant notAfter = now.plus(policy.authorityTtl());
        KeyPair rootKeys = keyAlgorithm.generate(random);
        X509Certificate root = signer.selfSign(new CertificateTemplate(trustDomain.id(),
                "Bulwark root " + trustDomain + " #" + generation, rootKeys.getPublic(), notBefore, notAfter,
                serial(), true), rootKeys);
        KeyPair interKeys = keyAlgorithm.generate(random);
        SigningKey rootSigning = new SigningKey(root, rootKeys.getPrivate(), List.of());
        X509Certificate inter = signer.sign(new CertificateTemplate(trustDomain.id(),
                "Bulwark intermediate " + clusterName + " #" + generation, interKeys.getPublic(), notBefore,
                notAfter, serial(), true), rootSigning);
        Authority a = new Authority(generation, root, new SigningKey(inter, interKeys.getPrivate(), List.of(inter)),
                activateAt, Instant.MIN);
        store.save(a);
        authorities.add(a);
    }

    private void publish() {
        TrustBundle next = bundle.withAuthorities(authorities.stream().map(Authority::root).toList());
        if (next != bundle) {
            bundle = next;
            store.saveSequence(next.sequence());
            for (Consumer<TrustBundle> l : listeners) {
                l.accept(next);
            }
        }
    }

    private BigInteger serial() {
        byte[] b = new byte[16];
        random.nextBytes(b);
        b[0] = (byte) ((b[0] & 0x7f) | 0x40); // positive, and at least 127 significant bits
        return new BigInteger(b);
    }

    /** The signing certificate an SVID chains to, if it is one of ours. */
    public synchronized Optional<Authority> authorityOf(X509Certificate leaf) {
        return authorities.stream()
                .filter(a -> a.intermediate().certificate().getSubjectX500Principal().equals(leaf.getIssuerX500Principal()))
                .findFirst();
    }
}
