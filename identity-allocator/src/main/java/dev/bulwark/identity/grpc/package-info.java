/**
 * The gRPC edge: request validation with field paths ({@link dev.bulwark.identity.grpc.RequestReader}),
 * proto conversion, the IdentityService implementation and {@link dev.bulwark.identity.grpc.StatusMapping},
 * the one place where outcomes and failures become gRPC status codes. Imports the core, the raft package
 * (change feed, gateway, unavailable failure), model and the generated proto; never the server package.
 */
package dev.bulwark.identity.grpc;
