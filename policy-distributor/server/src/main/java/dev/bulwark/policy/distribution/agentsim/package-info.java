/**
 * A real stream client that applies deltas to in-memory maps the way a node agent does (validate, apply
 * whole or not at all, ACK or NACK, resume with version and digest). The fan-out benchmark runs thousands
 * of them over loopback gRPC; the integration tests use them as agents. Imports the state core, the wire
 * codec and grpc-java.
 */
package dev.bulwark.policy.distribution.agentsim;
