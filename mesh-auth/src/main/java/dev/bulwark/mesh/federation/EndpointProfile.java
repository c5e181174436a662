package dev.bulwark.mesh.federation;

import java.util.Locale;

/** How a bundle endpoint authenticates itself (SPIFFE federation §5). */
public enum EndpointProfile {
    /** A server certificate validated the Web PKI way (chain to a configured root, DNS/IP SAN). */
    HTTPS_WEB,
    /** An X.509-SVID of the endpoint's trust domain, checked against a bundle of that domain. */
    HTTPS_SPIFFE;

    /** {@code https_web} or {@code https_spiffe}, as the spec spells them. */
    public String specName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static EndpointProfile parse(String name) {
        return switch (name.toLowerCase(Locale.ROOT).replace('-', '_')) {
            case "https_web" -> HTTPS_WEB;
            case "https_spiffe" -> HTTPS_SPIFFE;
            default -> throw new IllegalArgumentException("profile: expected https_web or https_spiffe, got '" + name + "'");
        };
    }
}
