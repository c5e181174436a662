package dev.bulwark.agent.datapath;

import java.time.Duration;

/**
 * Runtime knobs of the datapath, written to the kernel's one-entry {@code config} map (and obeyed by the
 * model datapath alike).
 *
 * @param tcpLifetime        idle time after which a TCP conntrack entry no longer passes packets (> 0)
 * @param otherLifetime      the same for UDP, SCTP and other protocols (> 0)
 * @param tcpClosingLifetime idle lifetime of a TCP entry once a FIN or RST was seen (> 0, whole ms)
 * @param eventsAllowed      emit a flow event for every new allowed flow
 * @param eventsDropped      emit a flow event for every dropped packet of a policed flow
 * @param passL7Redirect     pass flows whose winning entry redirects to an L7 proxy (no proxy exists yet;
 *                           used by verdict mode, where L7 rules do not change the L3/L4 verdict)
 * @param passAuthRequired   pass flows that need mutual authentication (same reasoning)
 */
public record DatapathConfig(Duration tcpLifetime, Duration otherLifetime, Duration tcpClosingLifetime, boolean eventsAllowed,
                             boolean eventsDropped, boolean passL7Redirect, boolean passAuthRequired) {

    public static final DatapathConfig DEFAULT =
            new DatapathConfig(Duration.ofHours(6), Duration.ofSeconds(60), Duration.ofSeconds(10), true, true, false, false);

    public DatapathConfig {
        if (tcpLifetime == null || tcpLifetime.isNegative() || tcpLifetime.isZero()) {
            throw new IllegalArgumentException("tcpLifetime: must be > 0, got " + tcpLifetime);
        }
        if (tcpClosingLifetime == null || tcpClosingLifetime.toMillis() < 1) {
            throw new IllegalArgumentException("tcpClosingLifetime: must be >= 1 ms, got " + tcpClosingLifetime);
        }
        if (otherLifetime == null || otherLifetime.isNegative() || otherLifetime.isZero()) {
            throw new IllegalArgumentException("otherLifetime: must be > 0, got " + otherLifetime);
        }
    }

    public DatapathConfig withLifetimes(Duration tcp, Duration other) {
        return new DatapathConfig(tcp, other, tcpClosingLifetime, eventsAllowed, eventsDropped, passL7Redirect, passAuthRequired);
    }

    public DatapathConfig withClosingLifetime(Duration closing) {
        return new DatapathConfig(tcpLifetime, otherLifetime, closing, eventsAllowed, eventsDropped, passL7Redirect, passAuthRequired);
    }

    public DatapathConfig withPassThrough(boolean l7Redirect, boolean auth) {
        return new DatapathConfig(tcpLifetime, otherLifetime, tcpClosingLifetime, eventsAllowed, eventsDropped, l7Redirect, auth);
    }

    /** The kernel's {@code config.flags} bits. */
    public int flags() {
        return (eventsAllowed ? 1 : 0) | (eventsDropped ? 2 : 0) | (passL7Redirect ? 4 : 0) | (passAuthRequired ? 8 : 0);
    }
}
