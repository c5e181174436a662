package dev.bulwark.policy.distribution.stream;

import dev.bulwark.policy.distribution.state.NodeDelta;
import dev.bulwark.policy.distribution.state.Snapshot;
import dev.bulwark.policy.distribution.state.StateHistory;
import dev.bulwark.proto.policy.v1.PolicyDelta;
import io.grpc.stub.ServerCallStreamObserver;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One agent's stream after Subscribe: what the agent holds and the one delta it may have unacknowledged.
 *
 * <p>Protocol, all on the distribution loop (no locks):
 * <ul>
 *   <li>{@link #pump} sends nothing while a delta is unacknowledged (changes meanwhile are coalesced: the
 *       next delta goes straight to the latest state), while the transport is not ready (flow control;
 *       {@code onReady} pumps again), or when the agent NACKed the node's current version (no resend
 *       loop).</li>
 *   <li>After a NACK the agent keeps its state. A newer version is sent on top of it; if none comes within
 *       the retry delay ({@link StreamConfig#nackRetry}, doubling while it keeps rejecting), the agent gets a
 *       full state: whatever it rejected, a full state does not depend on what it holds, and without it an
 *       agent that rejected the last change of a quiet cluster would stay behind for good.</li>
 *   <li>An agent whose node's view did not change receives nothing.</li>
 *   <li>The agent's version and the local revision whose content it holds are tracked apart: after a
 *       replica change they differ, and versions stay strictly increasing for the agent. When the agent
 *       already holds the current view under a version below the node's (changes that cancelled out while
 *       a delta was unacknowledged, or a resume by digest), an empty delta moves its version up to the
 *       node's, so "acknowledged the node's current version" holds once changes stop.</li>
 * </ul>
 */
final class AgentSession {

    private static final Logger LOG = LoggerFactory.getLogger(AgentSession.class);

    private record Inflight(String nonce, long version, long revision, long nodeVersion, long sentAtNanos) {
    }

    final String nodeName;
    final String instanceId;
    private final ServerCallStreamObserver<EncodedMessage> out;
    private final Fanout fanout;

    private long agentVersion;
    private long heldRevision;
    private final boolean resumed;
    private boolean inSyncSent;
    private Inflight inflight;
    private long nackedNodeVersion = -1;
    /** The highest version the agent rejected (0 = none). */
    private long rejectedVersion;
    /** Set when the retry after a NACK is due: the next send is a full state. */
    private boolean resendFull;
    /** The wait before the next retry after a NACK; null while the agent has not rejected anything. */
    private Duration nackRetry;
    /** Counts NACKs and ACKs so a retry timer of an earlier rejection does nothing. */
    private long nackRound;
    private String lastNack = "";
    private long deltasSent;
    private long fullStatesSent;
    private long bytesSent;
    private long nacks;
    private boolean closed;

    AgentSession(String nodeName, String instanceId, long knownVersion, long heldRevision,
                 ServerCallStreamObserver<EncodedMessage> out, Fanout fanout) {
        this.nodeName = nodeName;
        this.instanceId = instanceId;
        // Even when its state cannot be resumed, the agent's next version must be above the one it holds.
        this.agentVersion = Math.max(0, knownVersion);
        this.heldRevision = heldRevision;
        this.resumed = heldRevision >= 0;
        this.out = out;
        this.fanout = fanout;
    }

    void pump() {
        if (closed || inflight != null || !out.isReady() || !fanout.serving().isOpen()) {
            return;
        }
        StateHistory history = fanout.history();
        Snapshot cur = history.current();
        long nodeVersion = cur.nodeVersion(nodeName);
        if (nackedNodeVersion == nodeVersion) {
            return; // rejected: a newer version, or the retry timer, moves on
        }
        Optional<Snapshot> base = resendFull || heldRevision < 0 ? Optional.empty() : history.at(heldRevision);
        NodeDelta delta;
        long fromIpcacheRevision = -1;
        if (base.isEmpty()) {
            if (!fanout.fullStates().tryAcquire(this)) {
                return; // queued: pumped again when a full-state slot frees
            }
            delta = NodeDelta.full(cur.view(nodeName));
        } else {
            delta = nodeVersion <= base.get().revision() ? NodeDelta.NONE : history.deltaFrom(base.get(), nodeName);
            fromIpcacheRevision = base.get().ipcacheRevision();
            if (delta.isEmpty()) {
                heldRevision = cur.revision();
                if (agentVersion >= nodeVersion) {
                    sendInSyncOnce();
                    return;
                }
                // else: the agent holds the current view below the node's version; the empty delta moves it up
            }
        }
        // Above a version the agent rejected too: the next delta after a NACK never reuses its version.
        long version = Math.max(Math.max(nodeVersion, agentVersion + 1), rejectedVersion + 1);
        history.observe(version);
        long baseVersion = delta.fullState() ? 0 : agentVersion;
        String nonce = baseVersion + "-" + version + (delta.fullState() ? "-f" : "");
        PolicyDelta header = PolicyDelta.newBuilder().setVersion(version).setBaseVersion(baseVersion).setNonce(nonce)
                .setFullState(delta.fullState()).setProducedUnixMs(history.currentRevision().producedUnixMs())
                .setStateDigest(cur.nodeDigest(nodeName)).build();
        EncodedMessage message = fanout.encoder().delta(delta, fromIpcacheRevision, cur.ipcacheRevision(), header);
        inflight = new Inflight(nonce, version, cur.revision(), nodeVersion, System.nanoTime());
        send(message, delta.fullState());
        deltasSent++;
        if (delta.fullState()) {
            fullStatesSent++;
        }
    }

    void onAck(String nonce, long version) {
        if (inflight == null || !inflight.nonce().equals(nonce)) {
            LOG.debug("node {}: stale ack {} ignored", nodeName, nonce);
            return;
        }
        agentVersion = inflight.version();
        heldRevision = inflight.revision();
        fanout.fullStates().release(this);
        fanout.listener().acked(nodeName, agentVersion, heldRevision, System.nanoTime());
        inflight = null;
        nackedNodeVersion = -1;
        resendFull = false;
        nackRetry = null;
        nackRound++;
        if (heldRevision == fanout.history().current().revision()) {
            sendInSyncOnce();
        }
        pump();
    }

    void onNack(String nonce, long version, int code, String message) {
        if (inflight == null || !inflight.nonce().equals(nonce)) {
            LOG.debug("node {}: stale nack {} ignored", nodeName, nonce);
            return;
        }
        nacks++;
        nackedNodeVersion = inflight.nodeVersion();
        rejectedVersion = Math.max(rejectedVersion, inflight.version());
        fanout.fullStates().release(this);
        lastNack = "version " + version + ": code " + code + ": " + message;
        Duration wait = nackRetry == null ? fanout.nackRetry().first() : nackRetry;
        nackRetry = fanout.nackRetry().after(wait);
        long round = ++nackRound;
        LOG.warn("node {} (agent {}) rejected version {}: code {}: {}; it keeps version {}; a newer version goes on top "
                + "of it, else a full state in {} ms", nodeName, instanceId, version, code, message, agentVersion,
                wait.toMillis());
        fanout.listener().nacked(nodeName, version, code, message);
        inflight = null;
        fanout.timer().schedule(wait, () -> retryAfterNack(round));
    }

    /** The retry delay after a NACK has passed with nothing newer accepted: the agent gets a full state. */
    private void retryAfterNack(long round) {
        if (closed || round != nackRound || inflight != null) {
            return;
        }
        resendFull = true;
        nackedNodeVersion = -1;
        pump();
    }

    /** Milliseconds the current delta has been unacknowledged, 0 if none. */
    long inflightMillis(long nowNanos) {
        return inflight == null ? 0 : (nowNanos - inflight.sentAtNanos()) / 1_000_000;
    }

    long inflightVersion() {
        return inflight == null ? 0 : inflight.version();
    }

    /**
     * Status; its current version is the one the agent holds once it has the node's current view: the node's
     * version, or above it when the agent came with a higher version (from another replica, or from this one
     * before it restarted: versions never go down for an agent, and a snapshot's revision cannot be renumbered).
     */
    AgentStatus status(long nowNanos) {
        Snapshot cur = fanout.history().current();
        long nodeVersion = cur.nodeVersion(nodeName);
        long lag = heldRevision < 0 ? cur.revision() : Math.max(0, nodeVersion - heldRevision);
        long next = Math.max(Math.max(nodeVersion, agentVersion + 1), rejectedVersion + 1);
        // In sync when the agent holds the node's current view (its revision is at or past the node's last
        // change) and nothing is pending. Not "holds the current revision": revisions that changed only other
        // nodes do not pump this session, so heldRevision may trail the current revision while the agent is in
        // sync; reading that as "behind" reported the agent one version behind for good (ConvergenceRunIT).
        boolean inSync = heldRevision >= 0 && heldRevision >= nodeVersion && inflight == null && !resendFull
                && nackedNodeVersion != nodeVersion;
        long target = inSync ? Math.max(nodeVersion, agentVersion) : next;
        return new AgentStatus(nodeName, instanceId, agentVersion, target, lag,
                inflightMillis(nowNanos), resumed, deltasSent, fullStatesSent, bytesSent, nacks, lastNack);
    }

    void close(io.grpc.Status status) {
        if (!closed) {
            closed = true;
            try {
                out.onError(status.asRuntimeException());
            } catch (IllegalStateException alreadyClosed) {
                LOG.debug("node {}: stream already closed", nodeName);
            }
        }
    }

    void markClosed() {
        closed = true;
    }

    private void sendInSyncOnce() {
        if (!inSyncSent) {
            inSyncSent = true;
            send(fanout.encoder().inSync(agentVersion, resumed), false);
            fanout.listener().inSync(nodeName, resumed);
        }
    }

    private void send(EncodedMessage message, boolean fullState) {
        bytesSent += message.size();
        fanout.listener().sent(nodeName, message.size(), fullState);
        out.onNext(message);
    }
}
