/**
 * The fan-out benchmark behind {@code bulwark bench fanout}: one distributor (loop + gRPC server) and N
 * simulated agents over real gRPC on loopback. Imports every other package of the module; nothing imports
 * it but the CLI.
 */
package dev.bulwark.policy.distribution.bench;
