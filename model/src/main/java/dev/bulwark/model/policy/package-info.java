/**
 * Identity-keyed policy map state and the one function that decides a flow from it.
 *
 * <p>The compiler (policy-distributor) produces {@link dev.bulwark.model.policy.MapState}; the node
 * agent's model datapath and the eBPF program decide flows with exactly the semantics of
 * {@link dev.bulwark.model.policy.PolicyLookup}: per remote identity, the longest-prefix match over
 * {@code {identity, direction, protocol, port prefix}} (the LPM-trie layout), once for the exact identity
 * and once for identity 0 (any); deny wins. JDK only.
 */
package dev.bulwark.model.policy;
