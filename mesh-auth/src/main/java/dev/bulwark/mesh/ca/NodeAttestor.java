package dev.bulwark.mesh.ca;

/**
 * Decides whether a node proved it is {@code nodeName}. Bulwark ships {@link JoinTokens}; a Kubernetes
 * service-account token attestor (TokenReview against the API server, audience and node binding
 * checked) plugs in through this port.
 */
@FunctionalInterface
public interface NodeAttestor {

    AttestationVerdict attest(String nodeName, NodeProof proof);
}
