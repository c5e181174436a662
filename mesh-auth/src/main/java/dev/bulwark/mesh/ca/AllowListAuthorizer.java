package dev.bulwark.mesh.ca;

import dev.bulwark.mesh.spiffe.SpiffeId;
import java.util.Map;
import java.util.Set;

/**
 * An {@link IdentityAuthorizer} from explicit configuration: node name to the SPIFFE IDs it may hold.
 * The node name {@code *} grants to every node (for development clusters only). Immutable.
 */
public record AllowListAuthorizer(Map<String, Set<SpiffeId>> grants) implements IdentityAuthorizer {

    public AllowListAuthorizer {
        grants = Map.copyOf(grants);
        grants.values().forEach(Set::copyOf);
    }

    @Override
    public boolean mayHold(String nodeName, SpiffeId identity) {
        return grants.getOrDefault(nodeName, Set.of()).contains(identity)
                || grants.getOrDefault("*", Set.of()).contains(identity);
    }

    /** Parses {@code node=spiffe://...} entries (as given to {@code bulwark ca start --allow}). */
    public static AllowListAuthorizer parse(Iterable<String> entries) {
        Map<String, Set<SpiffeId>> m = new java.util.TreeMap<>();
        int i = 0;
        for (String e : entries) {
            int eq = e.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("allow[" + i + "]: expected NODE=SPIFFE-ID, got '" + e + "'");
            }
            SpiffeId id;
            try {
                id = SpiffeId.parse(e.substring(eq + 1));
            } catch (IllegalArgumentException ex) {
                throw new IllegalArgumentException("allow[" + i + "]: " + ex.getMessage(), ex);
            }
            m.computeIfAbsent(e.substring(0, eq), k -> new java.util.TreeSet<>()).add(id);
            i++;
        }
        return new AllowListAuthorizer(Map.copyOf(m));
    }
}
