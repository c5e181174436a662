/**
 * Identity rules that more than one component applies: which labels are security-relevant
 * ({@link dev.bulwark.model.identity.SecurityLabelFilter}, Cilium's include/exclude prefixes) and the
 * node-local identity allocator for CIDR/FQDN selectors
 * ({@link dev.bulwark.model.identity.LocalIdentityAllocator}, bit 24, never replicated).
 *
 * <p>Imports only the JDK and {@code dev.bulwark.model}. The identity-allocator service, the policy
 * compiler and the node agent use these so all three agree on what an identity is keyed by.
 */
package dev.bulwark.model.identity;
