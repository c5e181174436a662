package dev.bulwark.model.policy;

/**
 * A policy-map value.
 *
 * @param deny          true: drop matching flows; deny wins over any allow
 * @param proxyPort     non-zero: redirect to the L7 proxy on this port (allow entries only)
 * @param authRequired  the peers must have completed mutual authentication (allow entries only)
 * @param ruleRef       which rule produced the entry, for traces and flow logs ("" if unknown);
 *                      not part of the datapath value
 */
public record PolicyEntry(boolean deny, int proxyPort, boolean authRequired, String ruleRef) {

    public static final PolicyEntry ALLOW = new PolicyEntry(false, 0, false, "");
    public static final PolicyEntry DENY = new PolicyEntry(true, 0, false, "");

    public PolicyEntry {
        if (proxyPort < 0 || proxyPort > 65_535) {
            throw new IllegalArgumentException("proxy port " + proxyPort + " outside 0..65535");
        }
        if (deny && (proxyPort != 0 || authRequired)) {
            throw new IllegalArgumentException("a deny entry carries no L7 redirect or auth requirement");
        }
        ruleRef = ruleRef == null ? "" : ruleRef;
    }

    public static PolicyEntry allow(String ruleRef) {
        return new PolicyEntry(false, 0, false, ruleRef);
    }

    public static PolicyEntry deny(String ruleRef) {
        return new PolicyEntry(true, 0, false, ruleRef);
    }

    /** The same datapath value without the rule reference: what the kernel map stores. */
    public PolicyEntry datapathValue() {
        return ruleRef.isEmpty() ? this : new PolicyEntry(deny, proxyPort, authRequired, "");
    }

    @Override
    public String toString() {
        if (deny) {
            return "deny";
        }
        StringBuilder sb = new StringBuilder("allow");
        if (proxyPort != 0) {
            sb.append(" redirect:").append(proxyPort);
        }
        if (authRequired) {
            sb.append(" auth");
        }
        return sb.toString();
    }
}
