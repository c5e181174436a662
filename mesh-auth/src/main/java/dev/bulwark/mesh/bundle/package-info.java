/**
 * SPIFFE trust bundles: one bundle per trust domain (never merged), their JWKS form (use
 * {@code x509-svid}, {@code spiffe_sequence}, {@code spiffe_refresh_hint}) and the set of bundles a
 * validator trusts. Imports the JDK, Jackson and {@code mesh.spiffe}.
 */
package dev.bulwark.mesh.bundle;
