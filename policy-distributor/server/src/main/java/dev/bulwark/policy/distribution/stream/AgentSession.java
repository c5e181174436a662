package dev.bulwark.policy.distribution.stream;

import dev.bulwark.policy.distribution.state.NodeDelta;
import dev.bulwark.policy.distribution.state.Snapshot;
import dev.bulwark.policy.distribution.state.StateHistory;
import dev.bulwark.proto.policy.v1.PolicyDelta;
import io.grpc.stub.ServerCallStreamObserver;
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
 *       {@code onReady} pumps again), or when the agent NACKed the current revision (no resend loop).</li>
 *   <li>An agent whose node's view did not change receives nothing.</li>
 *   <li>The agent's version and the local revision whose content it holds are tracked apart: after a
 *       replica change they differ, and versions stay strictly increasing for the agent.</li>
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
        if (nackedNodeVersion == cur.nodeVersion(nodeName)) {
            return;
        }
        if (heldRevision == cur.revision()) {
            sendInSyncOnce();
            return;
        }
        Optional<Snapshot> base = heldRevision < 0 ? Optional.empty() : history.at(heldRevision);
        NodeDelta delta;
        long fromIpcacheRevision;
        if (base.isEmpty()) {
            if (!fanout.fullStates().tryAcquire(this)) {
                return; // queued: pumped again when a full-state slot frees
            }
            delta = NodeDelta.full(cur.view(nodeName));
            fromIpcacheRevision = -1;
        } else if (cur.nodeVersion(nodeName) <= base.get().revision()) {
            heldRevision = cur.revision();
            sendInSyncOnce();
            return;
        } else {
            delta = history.deltaFrom(base.get(), nodeName);
            fromIpcacheRevision = base.get().ipcacheRevision();
            if (delta.isEmpty()) {
                heldRevision = cur.revision();
                sendInSyncOnce();
                return;
            }
        }
        long version = Math.max(cur.nodeVersion(nodeName), agentVersion + 1);
        history.observe(version);
        long baseVersion = delta.fullState() ? 0 : agentVersion;
        String nonce = baseVersion + "-" + version + (delta.fullState() ? "-f" : "");
        PolicyDelta header = PolicyDelta.newBuilder().setVersion(version).setBaseVersion(baseVersion).setNonce(nonce)
                .setFullState(delta.fullState()).setProducedUnixMs(history.currentRevision().producedUnixMs())
                .setStateDigest(cur.nodeDigest(nodeName)).build();
        EncodedMessage message = fanout.encoder().delta(delta, fromIpcacheRevision, cur.ipcacheRevision(), header);
        inflight = new Inflight(nonce, version, cur.revision(), cur.nodeVersion(nodeName), System.nanoTime());
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
        fanout.fullStates().release(this);
        lastNack = "version " + version + ": code " + code + ": " + message;
        LOG.warn("node {} (agent {}) rejected version {}: code {}: {}; it keeps version {}; nothing is resent "
                + "until a newer revision exists", nodeName, instanceId, version, code, message, agentVersion);
        fanout.listener().nacked(nodeName, version, code, message);
        inflight = null;
    }

    /** Milliseconds the current delta has been unacknowledged, 0 if none. */
    long inflightMillis(long nowNanos) {
        return inflight == null ? 0 : (nowNanos - inflight.sentAtNanos()) / 1_000_000;
    }

    long inflightVersion() {
        return inflight == null ? 0 : inflight.version();
    }

    AgentStatus status(long nowNanos) {
        Snapshot cur = fanout.history().current();
        long lag = heldRevision < 0 ? cur.revision() : Math.max(0, cur.nodeVersion(nodeName) - heldRevision);
        return new AgentStatus(nodeName, instanceId, agentVersion, cur.nodeVersion(nodeName), lag,
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
