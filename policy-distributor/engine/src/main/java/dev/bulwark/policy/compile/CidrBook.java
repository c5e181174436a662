package dev.bulwark.policy.compile;

import dev.bulwark.model.Cidr;
import dev.bulwark.model.NumericIdentity;
import dev.bulwark.model.identity.LocalIdentityAllocator;
import dev.bulwark.policy.identity.CidrIdentities;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalInt;

/**
 * The CIDR prefixes policies name, reference counted, each with its node-local identity (from
 * {@link LocalIdentityAllocator}). Owned by one {@link PolicyEngine}; not thread-safe.
 */
final class CidrBook {

    private final LocalIdentityAllocator allocator = new LocalIdentityAllocator();
    private final Map<Cidr, Integer> users = new HashMap<>();
    private final Map<Cidr, Integer> identities = new HashMap<>();

    /** Takes a reference on {@code cidr}; returns its identity if the prefix is new (to register). */
    OptionalInt use(Cidr cidr) {
        if (users.merge(cidr, 1, Integer::sum) > 1) {
            return OptionalInt.empty();
        }
        int id = allocator.allocate(CidrIdentities.labels(cidr)).value();
        identities.put(cidr, id);
        return OptionalInt.of(id);
    }

    /** Drops a reference; returns the identity if it was the last one (to unregister; the number is freed). */
    OptionalInt release(Cidr cidr) {
        if (users.merge(cidr, -1, Integer::sum) > 0) {
            return OptionalInt.empty();
        }
        users.remove(cidr);
        int id = identities.remove(cidr);
        allocator.release(NumericIdentity.of(id));
        return OptionalInt.of(id);
    }
}
