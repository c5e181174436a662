/**
 * The agent's endpoint registry as it outlives the process: {@link dev.bulwark.agent.registry.EndpointRecord}
 * and {@link dev.bulwark.agent.registry.EndpointRegistry} (immutable values), the versioned JSON form
 * ({@link dev.bulwark.agent.registry.RegistryFile}, pure) and the state directory that holds it
 * ({@link dev.bulwark.agent.registry.StateDirectory}, the only file I/O). Imports the JDK and Vert.x's JSON types.
 */
package dev.bulwark.agent.registry;
