/**
 * CLI commands of the node agent: {@code bulwark agent start|flows} and {@code bulwark bench datapath}
 * (BenchDatapathCommand, a subcommand of the shared bench group).
 * Imports dev.bulwark.cli (output helpers) and the node-agent module.
 */
package dev.bulwark.cli.agent;
