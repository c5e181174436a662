/**
 * The policy distributor service: Kubernetes and directory sources, the pipeline from pods to per-node
 * map state, and the per-agent delta stream (server side of bulwark.policy.v1). Imports proto, model and
 * the policy engine; learns identities only through the identity proto.
 */
package dev.bulwark.policy.distribution;
