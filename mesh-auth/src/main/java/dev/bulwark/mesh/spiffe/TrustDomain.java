package dev.bulwark.mesh.spiffe;

/**
 * A SPIFFE trust domain name (SPIFFE-ID §2.1): 1..255 bytes of {@code [a-z0-9._-]}. Uppercase is
 * rejected rather than folded, so Bulwark never emits two spellings of one trust domain. A name that
 * looks like an IP address or a DNS name is treated like any other name.
 */
public record TrustDomain(String name) implements Comparable<TrustDomain> {

    /** SPIFFE-ID §2.3. */
    public static final int MAX_BYTES = 255;

    public TrustDomain {
        check(name);
    }

    /** Parses a bare trust domain name such as {@code cluster-a.example}. */
    public static TrustDomain parse(String name) {
        return new TrustDomain(name);
    }

    /** The trust domain's own ID, {@code spiffe://<name>} (no path): the ID of its signing authority. */
    public SpiffeId id() {
        return new SpiffeId(this, "");
    }

    static void check(String name) {
        if (name == null || name.isEmpty()) {
            throw new InvalidSpiffeIdException("trust-domain-missing", "trust domain is missing");
        }
        if (name.length() > MAX_BYTES) {
            throw new InvalidSpiffeIdException("trust-domain-too-long",
                    "trust domain is " + name.length() + " bytes, the limit is " + MAX_BYTES);
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (isTrustDomainChar(c)) {
                continue;
            }
            switch (c) {
                case ':' -> throw new InvalidSpiffeIdException("port",
                        "trust domain must not contain a port (':' at " + i + ")");
                case '@' -> throw new InvalidSpiffeIdException("userinfo",
                        "trust domain must not contain userinfo ('@' at " + i + ")");
                case '%' -> throw new InvalidSpiffeIdException("percent-encoding",
                        "trust domain must not be percent-encoded ('%' at " + i + ")");
                default -> throw new InvalidSpiffeIdException("trust-domain-chars",
                        "trust domain characters are limited to lowercase letters, digits, '.', '-' and '_' (got '"
                                + printable(c) + "' at " + i + ")");
            }
        }
    }

    static boolean isTrustDomainChar(char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '_';
    }

    static String printable(char c) {
        return c < 0x20 || c > 0x7e ? String.format("\\u%04x", (int) c) : String.valueOf(c);
    }

    @Override
    public int compareTo(TrustDomain o) {
        return name.compareTo(o.name);
    }

    @Override
    public String toString() {
        return name;
    }
}
