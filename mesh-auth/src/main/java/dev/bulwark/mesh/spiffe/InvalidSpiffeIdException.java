package dev.bulwark.mesh.spiffe;

/**
 * A string that is not a SPIFFE ID (or trust domain name). {@link #rule()} is a stable, short name of
 * the broken rule of the SPIFFE-ID standard, for scripts; the message explains it to people.
 */
public final class InvalidSpiffeIdException extends IllegalArgumentException {

    private final String rule;

    InvalidSpiffeIdException(String rule, String message) {
        super(message);
        this.rule = rule;
    }

    /** The broken rule, e.g. {@code trailing-slash}, {@code trust-domain-chars}. */
    public String rule() {
        return rule;
    }
}
