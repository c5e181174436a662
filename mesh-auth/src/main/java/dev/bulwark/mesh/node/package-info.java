/**
 * A node agent's control-plane identity: bootstrap with a join token, the node SVID renewed at half-life,
 * the trust bundles kept current from MeshCA. Imports {@code mesh.tls}, {@code mesh.grpc}, {@code mesh.bundle},
 * {@code mesh.ca} (key algorithms, renewal time) and io.grpc; the node-agent and the CLI build their mTLS
 * channels from it.
 */
package dev.bulwark.mesh.node;
