package dev.bulwark.model.policy;

import java.util.Map;

/**
 * The one flow-decision function. The model datapath calls it directly; the eBPF program implements the
 * same steps in C, and tests hold the two to the same answers.
 *
 * <ol>
 *   <li>Longest-prefix match for the exact remote identity ({@code exact}), then for identity 0
 *       ({@code any}). Specificity is {@link PolicyKey#prefixLength()}: exact port over port range over
 *       all ports of the protocol over any protocol.</li>
 *   <li>If either match is a deny, the flow is denied.</li>
 *   <li>If neither matched, the flow is dropped: no policy allows it.</li>
 *   <li>Otherwise the winner is the match with an L7 redirect, then the longer prefix, then the
 *       identity-specific one. Authentication is required if either allow match requires it.</li>
 * </ol>
 *
 * The compiler is responsible for keeping each identity's entries consistent under longest-prefix match
 * (an allow more specific than a deny of the same identity is never emitted).
 */
public final class PolicyLookup {

    private PolicyLookup() {
    }

    /** Why a flow got its verdict. */
    public enum Reason {
        /** An allow entry matched and nothing denied. */
        ALLOWED,
        /** A deny entry matched. */
        DENIED_BY_POLICY,
        /** No entry matched: the endpoint is isolated and nothing allows this flow. */
        NO_MATCH,
    }

    /**
     * The decision for one direction of one endpoint.
     *
     * @param reason      why
     * @param key         the winning key (null for NO_MATCH)
     * @param entry       the winning entry (null for NO_MATCH)
     * @param authRequired the flow may pass only after mutual authentication
     * @param proxyPort   non-zero: the flow is redirected to the L7 proxy on this port
     */
    public record Decision(Reason reason, PolicyKey key, PolicyEntry entry, boolean authRequired, int proxyPort) {
        public boolean allowed() {
            return reason == Reason.ALLOWED;
        }
    }

    /** Decides a flow with the remote end {@code remoteIdentity} against {@code state}. */
    public static Decision decide(MapState state, int remoteIdentity, Direction direction, int protocol, int port) {
        Map<PolicyKey, PolicyEntry> entries = state.entries();
        PolicyKey exact = remoteIdentity == 0 ? null : longestMatch(entries, remoteIdentity, direction, protocol, port);
        PolicyKey any = longestMatch(entries, 0, direction, protocol, port);
        PolicyEntry exactEntry = exact == null ? null : entries.get(exact);
        PolicyEntry anyEntry = any == null ? null : entries.get(any);

        if (exactEntry != null && exactEntry.deny()) {
            return new Decision(Reason.DENIED_BY_POLICY, exact, exactEntry, false, 0);
        }
        if (anyEntry != null && anyEntry.deny()) {
            return new Decision(Reason.DENIED_BY_POLICY, any, anyEntry, false, 0);
        }
        if (exactEntry == null && anyEntry == null) {
            return new Decision(Reason.NO_MATCH, null, null, false, 0);
        }
        boolean exactWins;
        if (exactEntry == null) {
            exactWins = false;
        } else if (anyEntry == null) {
            exactWins = true;
        } else if ((exactEntry.proxyPort() != 0) != (anyEntry.proxyPort() != 0)) {
            exactWins = exactEntry.proxyPort() != 0;
        } else {
            exactWins = exact.prefixLength() >= any.prefixLength();
        }
        PolicyKey key = exactWins ? exact : any;
        PolicyEntry entry = exactWins ? exactEntry : anyEntry;
        boolean auth = (exactEntry != null && exactEntry.authRequired()) || (anyEntry != null && anyEntry.authRequired());
        return new Decision(Reason.ALLOWED, key, entry, auth, entry.proxyPort());
    }

    /**
     * The most specific key for {@code identity} that matches the flow, probing as the LPM trie would:
     * exact port, then each shorter port prefix, then any protocol.
     */
    static PolicyKey longestMatch(Map<PolicyKey, PolicyEntry> entries, int identity, Direction direction,
                                  int protocol, int port) {
        if (protocol != Protocols.ANY) {
            for (int length = 16; length >= 0; length--) {
                PolicyKey probe = new PolicyKey(identity, direction, protocol, port & PortPrefix.mask(length), length);
                if (entries.containsKey(probe)) {
                    return probe;
                }
            }
        }
        PolicyKey l3 = PolicyKey.l3(identity, direction);
        return entries.containsKey(l3) ? l3 : null;
    }
}
