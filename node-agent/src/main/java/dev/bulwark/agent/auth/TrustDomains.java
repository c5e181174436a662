package dev.bulwark.agent.auth;

import dev.bulwark.mesh.spiffe.SpiffeId;
import dev.bulwark.mesh.spiffe.TrustDomain;
import dev.bulwark.model.IdentityLayout;
import dev.bulwark.model.NumericIdentity;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Which trust domain vouches for a numeric identity: the cluster bits of the identity (ClusterMesh
 * layout) select the cluster, each cluster has one trust domain; identities of clusters not listed and
 * node-local identities belong to the local one. So an identity's SVID is
 * {@code spiffe://<td of its cluster>/identity/<N>}, and a peer can never claim an identity of a cluster
 * whose trust domain is not its own. Immutable.
 *
 * @param local    the trust domain of this cluster
 * @param clusters trust domains of other clusters by cluster ID (the federated ones)
 */
public record TrustDomains(TrustDomain local, IdentityLayout layout, Map<Integer, TrustDomain> clusters) {

    private static final String PREFIX = "/identity/";

    public TrustDomains {
        if (local == null) {
            throw new IllegalArgumentException("local: a trust domain is required");
        }
        if (layout == null) {
            throw new IllegalArgumentException("layout: required");
        }
        clusters = Map.copyOf(new TreeMap<>(clusters));
        for (int id : clusters.keySet()) {
            layout.checkClusterId(id);
        }
    }

    /** One cluster, one trust domain. */
    public static TrustDomains single(TrustDomain local) {
        return new TrustDomains(local, IdentityLayout.DEFAULT, Map.of());
    }

    public TrustDomain of(int identity) {
        NumericIdentity n = NumericIdentity.of(identity);
        return clusters.getOrDefault(n.clusterId(layout), local);
    }

    /** The SPIFFE ID of {@code identity}'s SVID. */
    public SpiffeId spiffeId(int identity) {
        return SpiffeId.ofIdentity(of(identity), NumericIdentity.of(identity));
    }

    /** The TLS server name that selects {@code identity}'s SVID on a peer agent: {@code <N>.<td>}, as Cilium. */
    public String serverName(int identity) {
        return Integer.toUnsignedString(identity) + "." + of(identity).name();
    }

    /** The identity a server name of {@link #serverName} addresses, if it is well formed and consistent. */
    public Optional<Integer> identityOfServerName(String name) {
        int dot = name.indexOf('.');
        if (dot < 1) {
            return Optional.empty();
        }
        Optional<Integer> n = parse(name.substring(0, dot));
        return n.filter(i -> serverName(i).equals(name));
    }

    /**
     * The identity {@code id} names, or why it names none: the path must be {@code /identity/<N>} and the
     * trust domain the one that vouches for N.
     */
    public Resolved resolve(SpiffeId id) {
        if (!id.path().startsWith(PREFIX)) {
            return new Resolved(0, id + " does not name a numeric identity (" + PREFIX + "<N>)");
        }
        Optional<Integer> n = parse(id.path().substring(PREFIX.length()));
        if (n.isEmpty()) {
            return new Resolved(0, id + ": \"" + id.path().substring(PREFIX.length()) + "\" is not an identity number");
        }
        if (!of(n.get()).equals(id.trustDomain())) {
            return new Resolved(0, id + ": identity " + Integer.toUnsignedString(n.get()) + " belongs to trust domain "
                    + of(n.get()).name() + ", not " + id.trustDomain().name());
        }
        return new Resolved(n.get(), null);
    }

    /** An identity ({@code refusal} null) or the reason there is none. */
    public record Resolved(int identity, String refusal) {
    }

    private static Optional<Integer> parse(String digits) {
        if (digits.isEmpty() || digits.length() > 10 || !digits.chars().allMatch(c -> c >= '0' && c <= '9')
                || (digits.length() > 1 && digits.charAt(0) == '0')) {
            return Optional.empty();
        }
        long v = Long.parseLong(digits);
        if (v == 0 || v > (NumericIdentity.LOCAL_FLAG | NumericIdentity.LOCAL_MAX)) {
            return Optional.empty();
        }
        return Optional.of((int) v);
    }
}
