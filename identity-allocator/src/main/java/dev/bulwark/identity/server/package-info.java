/**
 * The composition root of one replica: the validated {@link dev.bulwark.identity.server.IdentityAllocatorConfig},
 * {@link dev.bulwark.identity.server.IdentityAllocatorServer} (Ratis server + gRPC server + tick timer
 * + metrics endpoint) and the metrics. Imports everything in this module.
 */
package dev.bulwark.identity.server;
