/**
 * The MeshCA gRPC service and its client: request/response mapping, the caller's SPIFFE ID from the
 * mTLS session, and the ONE mapping of {@link dev.bulwark.mesh.ca.SignOutcome} to gRPC Status
 * ({@link dev.bulwark.mesh.grpc.OutcomeToStatus}). Imports io.grpc, the generated
 * {@code dev.bulwark.proto.meshca.v1} and the mesh core packages.
 */
package dev.bulwark.mesh.grpc;
