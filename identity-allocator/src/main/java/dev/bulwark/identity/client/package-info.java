/**
 * The client other components use: {@link dev.bulwark.identity.client.IdentityClient}, the IdentityService
 * over gRPC with leader redirection across the replica list and a bounded retry policy. Imports the
 * generated proto, model and grpc only (never the server side), so callers do not pull in Ratis.
 */
package dev.bulwark.identity.client;
