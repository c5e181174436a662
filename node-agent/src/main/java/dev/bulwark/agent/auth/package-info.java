/**
 * Endpoint-to-endpoint mutual authentication, as Cilium's auth map does it but across clusters and before
 * the first packet: the SVIDs of local identities ({@link dev.bulwark.agent.auth.IdentitySvids}), the
 * mapping of identities to trust domains ({@link dev.bulwark.agent.auth.TrustDomains}), which pairs need
 * authentication ({@link dev.bulwark.agent.auth.AuthDemand}, pure), the agents' TLS 1.3 handshake that
 * writes the datapath's auth map ({@link dev.bulwark.agent.auth.AuthHandshake}) and the pre-authentication
 * loop ({@link dev.bulwark.agent.auth.PreAuthentication}). Imports the JDK, {@code agent.datapath} (the
 * auth map port), {@code agent.sync} (policy state) and mesh-auth ({@code mesh.tls}, {@code mesh.bundle},
 * {@code mesh.spiffe}).
 */
package dev.bulwark.agent.auth;
