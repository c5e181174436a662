/**
 * Distributor replicas on Vert.x + Hazelcast. Hazelcast holds soft state only — membership, each
 * replica's address, revision and agent count, and "revision N available" notices that keep the replicas'
 * Lamport clocks together so an agent moving between replicas keeps strictly increasing versions.
 * Authority stays with Kubernetes (objects) and the identity store; losing the Hazelcast cluster loses
 * nothing. Imports Vert.x, Hazelcast, proto and the stream loop.
 */
package dev.bulwark.policy.distribution.cluster;
