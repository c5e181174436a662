package dev.bulwark.mesh.ca;

import dev.bulwark.mesh.spiffe.SpiffeId;

/**
 * "May node N hold identity I": true when the node runs an endpoint with that identity. The
 * distributor/agent side implements it from its endpoint state; {@link AllowListAuthorizer} backs it
 * with explicit configuration.
 */
@FunctionalInterface
public interface IdentityAuthorizer {

    boolean mayHold(String nodeName, SpiffeId identity);
}
