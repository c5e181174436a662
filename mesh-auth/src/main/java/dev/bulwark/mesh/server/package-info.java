/**
 * The MeshCA server's composition root: validated configuration, authorities on disk (owner-only
 * files), the CA's own rotating serving SVID, and the gRPC server on mTLS. Imports everything in
 * {@code dev.bulwark.mesh}, io.grpc and the JDK.
 */
package dev.bulwark.mesh.server;
