/**
 * The certificate authority's policy: SVID rules, lifetimes, the rotation schedule of signing
 * authorities and SVIDs, CSR and caller checks, and the typed outcomes of signing. Imports the JDK,
 * {@code dev.bulwark.mesh.spiffe}, {@code dev.bulwark.mesh.bundle} and {@code dev.bulwark.model}; X.509
 * construction goes through the {@link dev.bulwark.mesh.ca.CertificateSigner} port (implemented in
 * {@code mesh.ca.bouncycastle}, the only package importing org.bouncycastle).
 */
package dev.bulwark.mesh.ca;
