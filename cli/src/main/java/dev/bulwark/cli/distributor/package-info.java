/**
 * CLI commands of the policy distributor and the local stack: {@code bulwark distributor start},
 * {@code bulwark status}, {@code bulwark bench fanout}, {@code bulwark up} and {@code bulwark demo}
 * ({@code LocalStack}: identity store, distributor and agent in one process). Imports the distributor,
 * identity-allocator server, node-agent server and the shared CLI helpers.
 */
package dev.bulwark.cli.distributor;
