/**
 * The {@code bulwark policy} commands (verdict, trace, compile, validate) and {@code bulwark bench
 * policy}: thin I/O over the policy engine. Imports the engine, model and dev.bulwark.cli.
 */
package dev.bulwark.cli.policy;
