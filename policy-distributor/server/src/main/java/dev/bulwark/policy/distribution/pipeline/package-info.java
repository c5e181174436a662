/**
 * From cluster objects to distributed state: pods become endpoints with security label sets, label sets
 * become identities (through {@link dev.bulwark.policy.distribution.pipeline.IdentitySource}, backed by the
 * identity allocator over gRPC), policies and endpoints become per-endpoint map state (through
 * {@link dev.bulwark.policy.distribution.pipeline.PolicyCompilation}, backed by the policy engine), and the
 * result becomes a {@code ClusterChange} for the distribution loop. Imports model, the state core, the
 * source records and the stream loop.
 */
package dev.bulwark.policy.distribution.pipeline;
