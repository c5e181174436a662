/**
 * The Apache Ratis adapter: the log-entry and snapshot byte formats, the state machine (decode, apply
 * the pure core, swap the table, complete the leader's waiting futures, feed watchers) and the change
 * feed with its bounded history, and the gateway that group-commits writes and batches read barriers
 * into the local Ratis server. Imports the core, model and Ratis; never gRPC.
 */
package dev.bulwark.identity.raft;
