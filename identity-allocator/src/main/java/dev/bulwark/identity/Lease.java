package dev.bulwark.identity;

/**
 * An owner's lease: while it has not expired the owner's references hold.
 *
 * @param owner       the owner (a node name)
 * @param expiresAtMs log time at which the lease ends unless renewed, ms since the epoch
 * @param references  number of identities the owner references
 */
public record Lease(String owner, long expiresAtMs, int references) {
}
