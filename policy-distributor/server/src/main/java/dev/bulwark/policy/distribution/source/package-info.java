/**
 * Where cluster objects come from: Kubernetes through fabric8 informers (Namespaces, Pods, Nodes,
 * NetworkPolicies, CiliumNetworkPolicies, CiliumClusterwideNetworkPolicies), a watched directory of YAML
 * manifests, and the embedded development API server (fabric8's CRUD-mode mock plus discovery, so kubectl
 * works). Every source feeds an {@link dev.bulwark.policy.distribution.source.ObjectSink}. Imports fabric8,
 * the JDK and slf4j; knows nothing of policy semantics.
 */
package dev.bulwark.policy.distribution.source;
