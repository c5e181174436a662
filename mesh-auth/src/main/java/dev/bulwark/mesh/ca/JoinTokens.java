package dev.bulwark.mesh.ca;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Base64;
import java.util.HexFormat;

/**
 * One-time, expiring join tokens, optionally bound to one node name. Only SHA-256 digests are held, so
 * a memory dump does not reveal usable tokens. A token is consumed by its first use, valid or not for
 * the node, so a leaked token cannot be retried. Thread-safe (the ledger is; consuming is an atomic
 * take from the ledger). Service-account tokens are delegated to {@code serviceAccountReviewer}, which refuses when
 * none is configured.
 */
public final class JoinTokens implements NodeAttestor {

    private final TokenLedger grants;
    private final InstantSource clock;
    private final SecureRandom random;
    private final NodeAttestor serviceAccountReviewer;

    public JoinTokens(InstantSource clock, SecureRandom random, NodeAttestor serviceAccountReviewer) {
        this(clock, random, serviceAccountReviewer, TokenLedger.inMemory());
    }

    /** Tokens kept in {@code ledger} (a directory ledger lets {@code bulwark ca token} add them offline). */
    public JoinTokens(InstantSource clock, SecureRandom random, NodeAttestor serviceAccountReviewer, TokenLedger ledger) {
        this.grants = ledger;
        this.clock = clock;
        this.random = random;
        this.serviceAccountReviewer = serviceAccountReviewer;
    }

    public JoinTokens(InstantSource clock, SecureRandom random) {
        this(clock, random, TokenLedger.inMemory());
    }

    public JoinTokens(InstantSource clock, SecureRandom random, TokenLedger ledger) {
        this(clock, random, (node, proof) -> new AttestationVerdict.Refused(
                "k8s_sa_token: this CA has no Kubernetes token reviewer configured; use a join token"), ledger);
    }

    /** A new token valid for {@code ttl}; {@code nodeName} null means any node may use it (once). */
    public String issue(String nodeName, Duration ttl) {
        byte[] b = new byte[32];
        random.nextBytes(b);
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(b);
        grants.put(digest(token), new TokenLedger.Grant(nodeName, clock.instant().plus(ttl)));
        return token;
    }

    @Override
    public AttestationVerdict attest(String nodeName, NodeProof proof) {
        return switch (proof) {
            case NodeProof.ServiceAccountToken sa -> serviceAccountReviewer.attest(nodeName, sa);
            case NodeProof.JoinToken jt -> {
                TokenLedger.Grant g = grants.take(digest(jt.token()));
                if (g == null) {
                    yield new AttestationVerdict.Refused("join_token: unknown or already used");
                }
                if (!clock.instant().isBefore(g.expiresAt())) {
                    yield new AttestationVerdict.Refused("join_token: expired at " + g.expiresAt());
                }
                if (g.nodeName() != null && !g.nodeName().equals(nodeName)) {
                    yield new AttestationVerdict.Refused("join_token: issued for node " + g.nodeName() + ", not " + nodeName);
                }
                yield new AttestationVerdict.Attested(nodeName);
            }
        };
    }

    /** Tokens not yet used (expired ones included until swept). */
    public int outstanding() {
        return grants.sweep(clock.instant());
    }

    private static String digest(String token) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
