/**
 * The policy engine: parses NetworkPolicy / CiliumNetworkPolicy / CiliumClusterwideNetworkPolicy into
 * typed rules, and compiles rules plus identities into identity-keyed map state, incrementally. Pure:
 * no I/O, no gRPC, no Kubernetes client. Imports model only.
 */
package dev.bulwark.policy;
