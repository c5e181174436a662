package dev.bulwark.agent.datapath;

import dev.bulwark.model.policy.PolicyLookup;

/**
 * Why the datapath passed or dropped a packet. Codes equal the {@code R_*} constants of
 * {@code bulwark.bpf.c}; they index the per-CPU counters and fill the flow events' reason field.
 */
public enum Reason {
    ALLOWED_NEW(0, true, "allowed by policy (new flow)"),
    ALLOWED_ESTABLISHED(1, true, "established flow (conntrack)"),
    ALLOWED_REPLY(2, true, "reply of an allowed flow (conntrack)"),
    DENIED_BY_POLICY(3, false, "denied by policy"),
    NO_MATCH(4, false, "no policy allows it"),
    L7_REDIRECT_UNSUPPORTED(5, false, "L7 redirect required; no proxy on this node"),
    AUTH_REQUIRED(6, false, "mutual authentication required"),
    PASSED_NOT_IP(7, true, "not IPv4 (ARP, ICMPv6): passed"),
    DROPPED_IPV6(8, false, "IPv6 is not policed yet: dropped"),
    DROPPED_FRAGMENT(9, false, "non-first IPv4 fragment: dropped"),
    DROPPED_MALFORMED(10, false, "malformed packet");

    /** Entries in the kernel counters array (R_COUNT). */
    public static final int SLOTS = 16;

    private final int code;
    private final boolean passes;
    private final String description;

    Reason(int code, boolean passes, String description) {
        this.code = code;
        this.passes = passes;
        this.description = description;
    }

    public int code() {
        return code;
    }

    public boolean passes() {
        return passes;
    }

    public String description() {
        return description;
    }

    public static Reason byCode(int code) {
        for (Reason r : values()) {
            if (r.code == code) {
                return r;
            }
        }
        throw new IllegalArgumentException("unknown datapath reason code " + code);
    }

    /** {@link #forNewFlow(PolicyLookup.Decision, DatapathConfig, boolean)} for a pair not authenticated. */
    public static Reason forNewFlow(PolicyLookup.Decision decision, DatapathConfig config) {
        return forNewFlow(decision, config, false);
    }

    /**
     * What the datapath does with a new flow that {@link PolicyLookup} decided: an allow that needs
     * authentication passes only when {@code authenticated} (a live auth map entry for the endpoint's and
     * the peer's identities) and an allow with an L7 redirect is dropped, each with its own reason,
     * unless {@code config} says that feature is passed through (auth is checked first).
     */
    public static Reason forNewFlow(PolicyLookup.Decision decision, DatapathConfig config, boolean authenticated) {
        return switch (decision.reason()) {
            case DENIED_BY_POLICY -> DENIED_BY_POLICY;
            case NO_MATCH -> NO_MATCH;
            case ALLOWED -> {
                if (decision.authRequired() && !config.passAuthRequired() && !authenticated) {
                    yield AUTH_REQUIRED;
                }
                if (decision.proxyPort() != 0 && !config.passL7Redirect()) {
                    yield L7_REDIRECT_UNSUPPORTED;
                }
                yield ALLOWED_NEW;
            }
        };
    }
}
