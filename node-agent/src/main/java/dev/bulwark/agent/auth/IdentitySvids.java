package dev.bulwark.agent.auth;

import dev.bulwark.mesh.tls.X509Svid;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The SVIDs of the identities this agent presents in endpoint-auth handshakes: only identities of
 * endpoints on this node ({@link #hold}), so an agent never holds every identity's key (the Cilium
 * complaint, #31430). Each SVID is obtained from the {@link Issuer} (MeshCA over gRPC with a CSR, or an
 * in-process CA in tests) on first use and renewed once half its lifetime has passed (a failed renewal
 * keeps the old SVID until it expires). Thread-safe:
 * handshakes on any thread read it; issuance for one identity runs at most once at a time.
 */
public final class IdentitySvids {

    /** Obtains a fresh SVID for {@code spiffe://<td>/identity/<N>}; throws when the CA refuses. */
    @FunctionalInterface
    public interface Issuer {
        X509Svid issue(int identity);
    }

    private final Issuer issuer;
    private final InstantSource clock;
    private final Set<Integer> held = ConcurrentHashMap.newKeySet();
    private final ConcurrentMap<Integer, X509Svid> svids = new ConcurrentHashMap<>();

    public IdentitySvids(Issuer issuer, InstantSource clock) {
        this.issuer = issuer;
        this.clock = clock;
    }

    /** Makes this agent answer for {@code identity} (an endpoint with it is on this node). */
    public void hold(int identity) {
        held.add(identity);
    }

    /** Stops answering for {@code identity} and forgets its SVID. */
    public void release(int identity) {
        held.remove(identity);
        svids.remove(identity);
    }

    public Set<Integer> held() {
        return Set.copyOf(held);
    }

    /** The current SVID of a held identity (issued or renewed now if needed); empty if not held. */
    public Optional<X509Svid> svid(int identity) {
        if (!held.contains(identity)) {
            return Optional.empty();
        }
        return Optional.of(svids.compute(identity, (id, old) -> old != null && !renewDue(old) ? old : issueOrKeep(id, old)));
    }

    /** A failed renewal keeps the held SVID while it is still valid (the CA may be briefly away). */
    private X509Svid issueOrKeep(int identity, X509Svid old) {
        try {
            return issuer.issue(identity);
        } catch (RuntimeException e) {
            if (old != null && clock.instant().isBefore(old.notAfter())) {
                return old;
            }
            throw e;
        }
    }

    private boolean renewDue(X509Svid svid) {
        Instant notBefore = svid.leaf().getNotBefore().toInstant();
        Instant half = notBefore.plus(Duration.between(notBefore, svid.notAfter()).dividedBy(2));
        return !clock.instant().isBefore(half);
    }
}
