/**
 * The identity commands: {@code bulwark allocator start|members add|members remove} (run and reshape the
 * Raft-replicated identity-allocator), {@code bulwark identity allocate|get|list|release|watch} (talk to it
 * through {@code IdentityClient}) and {@code bulwark bench identity}. Imports the identity-allocator module,
 * model, proto and the shared CLI helpers in {@code dev.bulwark.cli}.
 */
package dev.bulwark.cli.identity;
