/**
 * The pure core of the identity-allocator: the immutable {@link dev.bulwark.identity.IdentityTable},
 * the sealed {@link dev.bulwark.identity.IdentityCommand} and {@link dev.bulwark.identity.Outcome}
 * types, and {@link dev.bulwark.identity.IdentityAllocator#apply}, the deterministic function every
 * replica runs on every committed log entry. No I/O, no clocks (time is the leader-stamped value of
 * the log entry), no threads. Imports only the JDK and {@code dev.bulwark.model}.
 */
package dev.bulwark.identity;
