package dev.bulwark.mesh.node;

import dev.bulwark.mesh.bundle.BundleSet;
import dev.bulwark.mesh.ca.KeyAlgorithm;
import dev.bulwark.mesh.spiffe.TrustDomain;
import java.time.Duration;
import java.util.Objects;

/**
 * How a node agent gets its node SVID, validated on construction (messages name the field).
 *
 * @param meshCaHost     MeshCA's host
 * @param meshCaPort     MeshCA's gRPC port (1..65535)
 * @param nodeName       the node this agent runs on; the SVID is {@code spiffe://<td>/node/<nodeName>}
 * @param joinToken      a one-time token from {@code bulwark ca token}, bound to the node or not
 * @param trustedBundles what the agent trusts before it has talked to MeshCA (at least the bundle of its
 *                       own trust domain, handed over out of band like SPIRE's bootstrap bundle)
 * @param trustDomain    the cluster's trust domain; must be in {@code trustedBundles}
 * @param keyAlgorithm   the node key's algorithm
 * @param retryDelay     pause before a failed renewal or a broken bundle watch is tried again
 */
public record NodeBootstrap(String meshCaHost, int meshCaPort, String nodeName, String joinToken, BundleSet trustedBundles,
                            TrustDomain trustDomain, KeyAlgorithm keyAlgorithm, Duration retryDelay) {

    public NodeBootstrap {
        if (meshCaHost == null || meshCaHost.isEmpty()) {
            throw new IllegalArgumentException("meshCaHost: required");
        }
        if (meshCaPort < 1 || meshCaPort > 65_535) {
            throw new IllegalArgumentException("meshCaPort: must be 1..65535, got " + meshCaPort);
        }
        if (nodeName == null || nodeName.isEmpty() || nodeName.length() > 253) {
            throw new IllegalArgumentException("nodeName: 1..253 characters required, got \"" + nodeName + "\"");
        }
        if (joinToken == null || joinToken.isBlank()) {
            throw new IllegalArgumentException("joinToken: required (bulwark ca token)");
        }
        Objects.requireNonNull(trustDomain, "trustDomain");
        if (trustedBundles == null || trustedBundles.get(trustDomain).isEmpty()) {
            throw new IllegalArgumentException("trustedBundles: must hold the bundle of " + trustDomain);
        }
        Objects.requireNonNull(keyAlgorithm, "keyAlgorithm");
        if (retryDelay == null || retryDelay.isNegative() || retryDelay.isZero()) {
            throw new IllegalArgumentException("retryDelay: must be positive, got " + retryDelay);
        }
    }
}
