/**
 * Policy engine and distributor: parses NetworkPolicy/CNP/CCNP, compiles them to identity-keyed map state, and streams per-node deltas. Imports proto and model; learns identities only through the identity proto.
 */
package dev.bulwark.policy;
