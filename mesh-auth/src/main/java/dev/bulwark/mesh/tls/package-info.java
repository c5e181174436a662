/**
 * TLS for every Bulwark peer: the SVID validator (bundle chosen by the peer's trust domain), JSSE
 * trust and key managers built on it, TLS 1.3 contexts, and gRPC server/channel credentials over mTLS.
 * Imports the JDK, io.grpc (credentials only), {@code mesh.spiffe}, {@code mesh.bundle} and
 * {@code mesh.ca} (the pure SVID rules).
 */
package dev.bulwark.mesh.tls;
