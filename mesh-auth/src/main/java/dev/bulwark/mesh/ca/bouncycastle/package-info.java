/**
 * The X.509/PKCS#10 adapter on BouncyCastle (bcpkix). The only package in Bulwark that imports
 * org.bouncycastle; it implements {@link dev.bulwark.mesh.ca.CertificateSigner} and imports the JDK and
 * {@code mesh.ca}/{@code mesh.spiffe}. Signatures use the JDK's providers; no provider is registered.
 */
package dev.bulwark.mesh.ca.bouncycastle;
