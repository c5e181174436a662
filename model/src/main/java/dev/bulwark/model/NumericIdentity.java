package dev.bulwark.model;

/**
 * A numeric security identity, laid out as Cilium lays it out so its tooling and mental models carry
 * over. 24 bits travel on the wire; the top byte is a scope tag:
 * <ul>
 *   <li>{@code 0x00}: reserved (1..10), well-known/user-reserved (100..255) and cluster-scoped identities
 *       with the cluster ID above the {@link IdentityLayout#localBits() local bits};</li>
 *   <li>{@code 0x01} ({@link #LOCAL_FLAG}): node-local CIDR/FQDN identities, never replicated.</li>
 * </ul>
 * The value is an unsigned 32-bit number held in an {@code int}; 0 means "unknown" or, in a policy
 * key, "any identity".
 */
public record NumericIdentity(int value) implements Comparable<NumericIdentity> {

    public static final int LOCAL_FLAG = 1 << 24;
    public static final int LOCAL_MAX = (1 << 24) - 1;
    public static final int USER_RESERVED_MIN = 128;
    public static final int USER_RESERVED_MAX = 255;

    public static final NumericIdentity ANY = new NumericIdentity(0);

    public NumericIdentity {
        if (Integer.compareUnsigned(value, LOCAL_FLAG | LOCAL_MAX) > 0) {
            throw new IllegalArgumentException("identity " + Integer.toUnsignedString(value)
                    + " has scope bits other than the local flag (max " + (LOCAL_FLAG | LOCAL_MAX) + ")");
        }
    }

    public static NumericIdentity of(int value) {
        return new NumericIdentity(value);
    }

    public static NumericIdentity of(ReservedIdentity reserved) {
        return new NumericIdentity(reserved.id());
    }

    /** True for 1..10. */
    public boolean isReserved() {
        return value >= 1 && value <= ReservedIdentity.MAX_ID;
    }

    /** True for the user-reserved range 128..255. */
    public boolean isUserReserved() {
        return value >= USER_RESERVED_MIN && value <= USER_RESERVED_MAX;
    }

    /** True for node-local (CIDR/FQDN) identities: bit 24 set. */
    public boolean isLocal() {
        return (value & LOCAL_FLAG) != 0;
    }

    /** The cluster an allocated identity belongs to under {@code layout}; 0 for reserved and local ones. */
    public int clusterId(IdentityLayout layout) {
        return isLocal() ? 0 : value >>> layout.localBits();
    }

    @Override
    public int compareTo(NumericIdentity o) {
        return Integer.compareUnsigned(value, o.value);
    }

    @Override
    public String toString() {
        return Integer.toUnsignedString(value);
    }
}
