/**
 * The pure core of distribution: desired cluster state (ipcache plus per-node endpoint map state), the
 * per-node view an agent holds, the delta between two views, the order-independent state digest, and
 * the bounded, versioned history of immutable snapshots that streams resume from. No I/O, no threads;
 * imports model and the JDK only.
 */
package dev.bulwark.policy.distribution.state;
