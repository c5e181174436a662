/**
 * Raft-replicated security identities: the pure identity table and its apply function, the Ratis state machine, the gRPC service and the server composition root. Imports proto and model; never another service.
 */
package dev.bulwark.identity;
