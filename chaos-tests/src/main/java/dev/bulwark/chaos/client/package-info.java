/**
 * Clients for the identity store under test: one gRPC channel per logical process (open/invoke/close),
 * every call with a deadline, and the one place ({@link dev.bulwark.chaos.client.ErrorRules}) that turns
 * errors into {@code fail} or {@code info}. Talks to replicas only through the generated
 * {@code bulwark.identity.v1} stubs; imports history, gRPC and the JDK.
 */
package dev.bulwark.chaos.client;
