/**
 * SPIFFE IDs, the certificate authority and mutual authentication. Only the BouncyCastle adapter imports org.bouncycastle. Imports proto and model.
 */
package dev.bulwark.mesh;
