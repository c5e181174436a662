/**
 * The server side of {@code bulwark.policy.v1.PolicyDistribution}: the distribution loop that owns the
 * state history and every agent stream, the per-stream protocol (subscribe/resume, one unacknowledged
 * delta, coalescing, NACK, flow control), the wire codec with shared pre-serialized parts, the
 * authentication hook, and the one mapping of stream failures to gRPC status codes. Imports the state
 * core, proto, grpc-java and slf4j.
 */
package dev.bulwark.policy.distribution.stream;
