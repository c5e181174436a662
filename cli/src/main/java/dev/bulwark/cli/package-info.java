/**
 * The {@code bulwark} command line: the composition root that builds configs, starts servers and
 * prints results. Commands print a table for people and, with {@code --output json}, one JSON object
 * (or one per line where documented) for scripts. Exit codes are in {@link dev.bulwark.cli.ExitCode}.
 */
package dev.bulwark.cli;
