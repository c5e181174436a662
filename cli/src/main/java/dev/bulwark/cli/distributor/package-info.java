/**
 * CLI commands of the policy distributor: {@code bulwark bench fanout} (and, as they land,
 * {@code bulwark distributor start} and {@code bulwark status}). Imports the distributor module and the
 * shared CLI helpers.
 */
package dev.bulwark.cli.distributor;
