/**
 * How the engine numbers identities: the {@link dev.bulwark.policy.identity.IdentityPort} for cluster
 * identities, deterministic offline numbering, the labels of CIDR identities and the Kubernetes pod label
 * translation. Imports model only.
 */
package dev.bulwark.policy.identity;
