package dev.bulwark.mesh.federation;

import dev.bulwark.mesh.bundle.TrustBundle;
import dev.bulwark.mesh.spiffe.SpiffeId;
import dev.bulwark.mesh.spiffe.TrustDomain;
import java.net.URI;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;

/**
 * One federation relationship, as configured: whose bundle ({@code trustDomain}, never inferred from
 * the URL), where it is served, and how that endpoint is authenticated. Federation is one-way; mutual
 * trust takes one relationship on each side.
 *
 * @param endpointId https_spiffe: the SPIFFE ID the endpoint must present; null for https_web
 * @param initialBundle https_spiffe: the endpoint trust domain's bundle obtained out of band, used
 *     until the first fetch succeeds; null for https_web
 * @param webRoots https_web: the roots the server certificate must chain to; empty means the JDK's
 *     default public roots
 */
public record Relationship(TrustDomain trustDomain, URI url, EndpointProfile profile, SpiffeId endpointId,
                           TrustBundle initialBundle, List<X509Certificate> webRoots) {

    public Relationship {
        Objects.requireNonNull(trustDomain, "trustDomain");
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(profile, "profile");
        webRoots = webRoots == null ? List.of() : List.copyOf(webRoots);
        if (!"https".equals(url.getScheme()) || url.getHost() == null) {
            throw new IllegalArgumentException("url: a bundle endpoint URL is https://host[:port]/path, got " + url);
        }
        if (url.getRawUserInfo() != null) {
            throw new IllegalArgumentException("url: must not carry userinfo (federation §5.2.1): " + url);
        }
        if (profile == EndpointProfile.HTTPS_SPIFFE) {
            Objects.requireNonNull(endpointId, "endpointId: required for https_spiffe");
            Objects.requireNonNull(initialBundle, "initialBundle: required for https_spiffe");
            if (!initialBundle.trustDomain().equals(endpointId.trustDomain())) {
                throw new IllegalArgumentException("initialBundle: is for " + initialBundle.trustDomain()
                        + " but the endpoint " + endpointId + " is in " + endpointId.trustDomain());
            }
        } else if (endpointId != null || initialBundle != null) {
            throw new IllegalArgumentException("endpointId/initialBundle: only for https_spiffe, this relationship is https_web");
        }
    }

    public static Relationship httpsWeb(TrustDomain td, URI url, List<X509Certificate> webRoots) {
        return new Relationship(td, url, EndpointProfile.HTTPS_WEB, null, null, webRoots);
    }

    public static Relationship httpsSpiffe(TrustDomain td, URI url, SpiffeId endpointId, TrustBundle initialBundle) {
        return new Relationship(td, url, EndpointProfile.HTTPS_SPIFFE, endpointId, initialBundle, List.of());
    }
}
