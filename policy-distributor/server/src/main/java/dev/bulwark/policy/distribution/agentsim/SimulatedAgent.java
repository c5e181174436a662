package dev.bulwark.policy.distribution.agentsim;

import dev.bulwark.model.policy.MapState;
import dev.bulwark.policy.distribution.state.EndpointChange;
import dev.bulwark.policy.distribution.state.EndpointState;
import dev.bulwark.policy.distribution.state.IpcacheMapping;
import dev.bulwark.policy.distribution.state.NodeDelta;
import dev.bulwark.policy.distribution.state.NodeView;
import dev.bulwark.policy.distribution.state.StateDigest;
import dev.bulwark.policy.distribution.stream.DeltaCodec;
import dev.bulwark.proto.policy.v1.Ack;
import dev.bulwark.proto.policy.v1.AgentMessage;
import dev.bulwark.proto.policy.v1.DistributorMessage;
import dev.bulwark.proto.policy.v1.ErrorDetail;
import dev.bulwark.proto.policy.v1.Nack;
import dev.bulwark.proto.policy.v1.PolicyDelta;
import dev.bulwark.proto.policy.v1.PolicyDistributionGrpc;
import dev.bulwark.proto.policy.v1.Subscribe;
import io.grpc.Channel;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * One agent on a stream: holds the ipcache and its endpoints' map state in memory, applies each delta
 * whole or not at all, keeps the state digest incrementally, ACKs or NACKs, and on reconnect subscribes
 * with its version and digest so the distributor can resume it. Thread model: gRPC delivers one stream's
 * callbacks one at a time; public methods synchronize on the agent.
 */
public final class SimulatedAgent {

    private final String nodeName;
    private final String instanceId;
    private Channel channel;
    private final AgentBehaviour behaviour;
    private final AgentEvents events;
    private final Interner interner;

    private final Map<String, IpcacheMapping> ipcache = new HashMap<>();
    private final Map<String, EndpointState> endpoints = new HashMap<>();
    private long version;
    private long digest;
    private long digestMismatches;
    private ClientCallStreamObserver<AgentMessage> requests;

    public SimulatedAgent(String nodeName, String instanceId, Channel channel, AgentBehaviour behaviour, AgentEvents events) {
        this(nodeName, instanceId, channel, behaviour, events, Interner.NONE);
    }

    /** With an {@link Interner} shared by many simulated agents in one JVM (the benchmark). */
    public SimulatedAgent(String nodeName, String instanceId, Channel channel, AgentBehaviour behaviour, AgentEvents events,
                          Interner interner) {
        this.interner = interner;
        this.nodeName = nodeName;
        this.instanceId = instanceId;
        this.channel = channel;
        this.behaviour = behaviour;
        this.events = events;
    }

    public String nodeName() {
        return nodeName;
    }

    /** Opens a stream and subscribes with the held version and digest. */
    public synchronized void connect() {
        disconnect();
        PolicyDistributionGrpc.newStub(channel).stream(new Responses());
        requests.onNext(AgentMessage.newBuilder().setSubscribe(Subscribe.newBuilder().setNodeName(nodeName)
                .setKnownVersion(version).setKnownStateDigest(version == 0 ? 0 : digest)
                .setAgentInstanceId(instanceId)).build());
    }

    /** Moves to another distributor replica (its channel) and subscribes there. */
    public synchronized void connectTo(Channel other) {
        disconnect();
        channel = other;
        connect();
    }

    /** Cancels the stream (the state is kept, as an agent restarting its connection keeps its maps). */
    public synchronized void disconnect() {
        if (requests != null) {
            requests.cancel("agent disconnects", null);
            requests = null;
        }
    }

    public synchronized long version() {
        return version;
    }

    public synchronized long digest() {
        return digest;
    }

    public synchronized long digestMismatches() {
        return digestMismatches;
    }

    public synchronized NodeView view() {
        return NodeView.copyOf(ipcache, endpoints);
    }

    public synchronized int ipcacheSize() {
        return ipcache.size();
    }

    private synchronized void onDelta(ClientCallStreamObserver<AgentMessage> stream, PolicyDelta d, int bytes) {
        if (stream != requests || behaviour.stalled()) {
            return;
        }
        if (!d.getFullState() && d.getBaseVersion() != version) {
            nack(d, 9, "base_version " + d.getBaseVersion() + " is not the held version " + version);
            return;
        }
        NodeDelta delta;
        try {
            delta = DeltaCodec.decode(d);
        } catch (IllegalArgumentException e) {
            nack(d, 3, e.getMessage());
            return;
        }
        Optional<String> refused = behaviour.reject().apply(d);
        if (refused.isPresent()) {
            nack(d, 8, refused.get());
            return;
        }
        apply(delta);
        version = d.getVersion();
        if (d.getStateDigest() != 0 && d.getStateDigest() != digest) {
            digestMismatches++;
        }
        requests.onNext(AgentMessage.newBuilder().setAck(Ack.newBuilder().setNonce(d.getNonce())
                .setVersion(d.getVersion())).build());
        events.applied(this, version, d.getFullState(), bytes);
    }

    private void nack(PolicyDelta d, int code, String message) {
        requests.onNext(AgentMessage.newBuilder().setNack(Nack.newBuilder().setNonce(d.getNonce()).setVersion(d.getVersion())
                .setError(ErrorDetail.newBuilder().setCode(code).setMessage(message))).build());
        events.nacked(this, d.getVersion(), message);
    }

    private void apply(NodeDelta delta) {
        if (delta.fullState()) {
            ipcache.clear();
            endpoints.clear();
            digest = 0;
        }
        for (String prefix : delta.ipcacheDeletes()) {
            IpcacheMapping old = ipcache.remove(prefix);
            if (old != null) {
                digest -= StateDigest.ipcacheTerm(prefix, old);
            }
        }
        delta.ipcacheUpserts().forEach((prefix, m) -> {
            IpcacheMapping old = ipcache.put(interner.prefix(prefix), interner.mapping(m));
            digest += StateDigest.ipcacheTerm(prefix, m) - (old == null ? 0 : StateDigest.ipcacheTerm(prefix, old));
        });
        for (String name : delta.removedEndpoints()) {
            EndpointState old = endpoints.remove(name);
            if (old != null) {
                digest -= old.digest();
            }
        }
        for (EndpointChange change : delta.endpoints()) {
            EndpointState before = endpoints.get(change.name());
            MapState.Builder b = MapState.builder();
            if (!change.replace() && before != null) {
                before.mapState().entries().forEach(b::put);
            }
            change.removes().forEach(b::remove);
            change.adds().forEach(b::put);
            EndpointState after = EndpointState.of(change.name(), change.identity(), change.ips(), b.build());
            endpoints.put(change.name(), after);
            digest += after.digest() - (before == null ? 0 : before.digest());
        }
    }

    private final class Responses implements ClientResponseObserver<AgentMessage, DistributorMessage> {
        private ClientCallStreamObserver<AgentMessage> stream;

        @Override
        public void beforeStart(ClientCallStreamObserver<AgentMessage> requestStream) {
            this.stream = requestStream;
            requests = requestStream;
        }

        @Override
        public void onNext(DistributorMessage message) {
            switch (message.getKindCase()) {
                case DELTA -> onDelta(stream, message.getDelta(), message.getSerializedSize());
                case IN_SYNC -> events.inSync(SimulatedAgent.this, message.getInSync().getVersion(),
                        message.getInSync().getResumed());
                default -> {
                }
            }
        }

        @Override
        public void onError(Throwable t) {
            events.disconnected(SimulatedAgent.this, t);
        }

        @Override
        public void onCompleted() {
            events.disconnected(SimulatedAgent.this, null);
        }
    }
}
