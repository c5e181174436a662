/**
 * The distributor stream client: the held node policy state (pure), applying it to the datapath by
 * diffs, ACK/NACK, reconnect and resume. Imports the JDK, gRPC, dev.bulwark.proto, dev.bulwark.model and
 * the agent's datapath packages.
 */
package dev.bulwark.agent.sync;
