/**
 * {@code bulwark chaos}: runs the Jepsen-style harness of the chaos-tests module against real identity
 * store replicas (started as {@code bulwark allocator start} processes) and re-checks recorded histories.
 * Imports dev.bulwark.chaos and the CLI's shared output helpers.
 */
package dev.bulwark.cli.chaos;
