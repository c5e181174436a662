/**
 * SPIFFE federation: a bundle endpoint server (https_web or https_spiffe profile) that serves this
 * trust domain's bundle as JWKS over HTTPS GET, and a client that polls peers' endpoints at their
 * refresh hint and keeps one bundle per configured trust domain (never merged, never inferred from
 * the URL), offered to validators as a {@link dev.bulwark.mesh.bundle.BundleSource}. Imports the JDK
 * (HttpsServer, HttpClient, JSSE), {@code mesh.bundle}, {@code mesh.spiffe} and {@code mesh.tls}.
 */
package dev.bulwark.mesh.federation;
