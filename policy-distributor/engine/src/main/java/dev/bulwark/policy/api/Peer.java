package dev.bulwark.policy.api;

import dev.bulwark.model.Cidr;
import java.util.List;

/**
 * One remote side of a rule: the identities {@code selector} selects. {@code path} is where the peer was
 * written ({@code spec.ingress[0].from[1]}); an entity may expand to several peers with one path.
 *
 * @param cidrs the prefixes (allowed and excepted) this peer needs identities for; empty for label peers
 */
public record Peer(String path, Selector selector, List<Cidr> cidrs) {

    public Peer {
        cidrs = List.copyOf(cidrs);
    }

    public static Peer of(String path, Selector selector) {
        return new Peer(path, selector, List.of());
    }
}
