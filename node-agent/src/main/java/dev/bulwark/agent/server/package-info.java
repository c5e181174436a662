/**
 * The agent's composition root: datapath choice (kernel or, loudly, model), the stream client, the local
 * HTTP API, metrics and flow streaming on Vert.x, and the attached endpoints (persisted through
 * dev.bulwark.agent.registry and restored on start). Imports everything in dev.bulwark.agent, gRPC and Vert.x.
 */
package dev.bulwark.agent.server;
