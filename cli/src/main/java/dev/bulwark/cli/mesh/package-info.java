/**
 * The mesh-auth commands: {@code bulwark spiffe-id parse}, {@code bulwark ca start|issue|bundle|rotate|token},
 * {@code bulwark svid inspect}, {@code bulwark bench ca}. Imports picocli, the cli's output helpers
 * and {@code dev.bulwark.mesh}.
 */
package dev.bulwark.cli.mesh;
