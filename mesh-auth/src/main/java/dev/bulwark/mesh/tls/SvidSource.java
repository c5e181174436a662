package dev.bulwark.mesh.tls;

/** The SVID a peer presents right now; rotation swaps what it returns (read on every handshake). */
@FunctionalInterface
public interface SvidSource {

    X509Svid svid();
}
