/**
 * The composition root of one distributor replica: validated configuration, then loop, gRPC server,
 * cluster membership, identity client, pipeline and source, started in order and stopped in reverse.
 * Imports every other package of the module; the CLI imports it.
 */
package dev.bulwark.policy.distribution.server;
