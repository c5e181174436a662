package dev.bulwark.policy.distribution.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.bulwark.model.policy.Direction;
import dev.bulwark.model.policy.MapState;
import dev.bulwark.model.policy.PolicyEntry;
import dev.bulwark.model.policy.PolicyKey;
import dev.bulwark.policy.distribution.state.ClusterChange;
import dev.bulwark.policy.distribution.state.ClusterState;
import dev.bulwark.policy.distribution.state.EndpointState;
import dev.bulwark.policy.distribution.state.IpcacheMapping;
import dev.bulwark.policy.distribution.state.NodeView;
import dev.bulwark.policy.distribution.state.Snapshot;
import dev.bulwark.policy.distribution.state.StateHistory;
import dev.bulwark.proto.policy.v1.DistributorMessage;
import dev.bulwark.proto.policy.v1.PolicyDelta;
import dev.bulwark.testkit.Seeds;
import io.grpc.stub.ServerCallStreamObserver;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

/**
 * {@link AgentSession}'s protocol under seeded races, without threads or gRPC: each step is one event the
 * distribution loop would run, picked at random, so acknowledgements, rejections, changes, peer notices,
 * reconnects and flow control interleave in every order. Two replicas are fed the same input states (one
 * may lag, and one may restart); agents acknowledge late, reject some deltas, reconnect, move to the other
 * replica (resuming by digest), restart, and their streams stop being ready now and then. Inputs include
 * reverts, so coalesced changes can cancel out.
 *
 * <p>Every applied delta must produce the digest the distributor states for it. After the inputs stop
 * (and rejections with them) every agent must hold its replica's current view of its node and have
 * acknowledged the node's current version, with nothing in flight: what {@code chaos run --workload
 * convergence} checks against real processes.
 */
class AgentSessionSimulationTest {

    private static final int RUNS = Integer.getInteger("bulwark.sim.runs", 300);
    private static final int STEPS = 160;
    private static final List<String> NODES = List.of("n0", "n1");

    @Test
    void everyAgentHoldsAndAcknowledgesItsReplicasCurrentStateOnceChangesStop() throws Exception {
        Seeds.run("agent sessions", random -> {
            for (int run = 0; run < RUNS; run++) {
                World world = new World(random);
                try {
                    world.play();
                } catch (AssertionError e) {
                    throw new AssertionError("run " + run + ": " + e.getMessage() + "\n  trace: " + world.trace, e);
                }
            }
        });
    }

    /** Timers of the loop, on a manual clock. */
    private static final class ManualTimer implements LoopTimer {
        private record Due(long at, long seq, Runnable task) {
        }

        private final PriorityQueue<Due> due = new PriorityQueue<>((a, b) -> a.at != b.at ? Long.compare(a.at, b.at)
                : Long.compare(a.seq, b.seq));
        private long now;
        private long seq;

        @Override
        public void schedule(Duration delay, Runnable task) {
            due.add(new Due(now + delay.toMillis(), seq++, task));
        }

        /** Runs the next due task (moving the clock to it); false when none is pending. */
        boolean fireNext() {
            Due next = due.poll();
            if (next == null) {
                return false;
            }
            now = Math.max(now, next.at);
            next.task.run();
            return true;
        }
    }

    /**
     * The session's outbound side: records deltas; readiness is switched by the simulation. gRPC buffers
     * what is written while not ready; the session's flow control promises no delta then (the small in-sync
     * notice may go).
     */
    private static final class Stream extends ServerCallStreamObserver<EncodedMessage> {
        final ArrayDeque<PolicyDelta> deltas = new ArrayDeque<>();
        boolean ready = true;
        boolean ended;

        @Override
        public boolean isReady() {
            return ready && !ended;
        }

        @Override
        public void onNext(EncodedMessage value) {
            try {
                DistributorMessage m = DistributorMessage.parseFrom(value.bytes());
                if (m.hasDelta()) {
                    if (!ready || ended) {
                        throw new AssertionError("a delta was sent while the stream was not ready");
                    }
                    deltas.add(m.getDelta());
                }
            } catch (InvalidProtocolBufferException e) {
                throw new AssertionError("unparsable message", e);
            }
        }

        @Override
        public void onError(Throwable t) {
            ended = true;
        }

        @Override
        public void onCompleted() {
            ended = true;
        }

        @Override
        public boolean isCancelled() {
            return ended;
        }

        @Override
        public void setOnCancelHandler(Runnable onCancelHandler) {
        }

        @Override
        public void setCompression(String compression) {
        }

        @Override
        public void setOnReadyHandler(Runnable onReadyHandler) {
        }

        @Override
        public void disableAutoInboundFlowControl() {
        }

        @Override
        public void request(int count) {
        }

        @Override
        public void setMessageCompression(boolean enable) {
        }
    }

    private static final class Replica {
        final String id;
        final ManualTimer timer;
        StateHistory history;
        Fanout fanout;
        final List<AgentSession> sessions = new ArrayList<>();
        /** How many of the world's input states this replica's pipeline has published. */
        int published;
        ClusterState desired = ClusterState.EMPTY;

        Replica(String id, ManualTimer timer) {
            this.id = id;
            this.timer = timer;
            start(true);
        }

        /** A fresh process: empty history, holding agents until its first state is published. */
        void start(boolean serving) {
            history = new StateHistory(6);
            fanout = new Fanout(history, new WireEncoder(), DeliveryListener.NONE, new FullStateGate(1),
                    new ServingGate(serving), timer, new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(8)));
            sessions.clear();
            published = 0;
            desired = ClusterState.EMPTY;
        }

        /** Publishes input state {@code index}; returns the new revision or -1. */
        long publish(ClusterState next, int index) {
            ClusterChange change = ClusterChange.between(desired, next);
            desired = next;
            published = index + 1;
            var revision = history.apply(change, 0);
            if (revision.isEmpty()) {
                return -1;
            }
            for (AgentSession s : List.copyOf(sessions)) {
                if (revision.get().affects(s.nodeName)) {
                    s.pump();
                }
            }
            return revision.get().snapshot().revision();
        }

        void serve() {
            if (fanout.serving().open()) {
                List.copyOf(sessions).forEach(AgentSession::pump);
            }
        }
    }

    private static final class Agent {
        final String node;
        int instance;
        long version;
        NodeView view = NodeView.EMPTY;
        Replica replica;
        AgentSession session;
        Stream stream;
        /** The highest version rejected on the current stream: what follows on it must be newer. */
        long rejected;

        Agent(String node, Replica replica) {
            this.node = node;
            this.replica = replica;
        }

        boolean connected() {
            return session != null;
        }

        void connect(Replica to) {
            replica = to;
            stream = new Stream();
            rejected = 0;
            long digest = version == 0 ? 0 : view.digest();
            to.history.observe(version);
            long held = to.history.resumeRevision(node, version, digest);
            session = new AgentSession(node, node + "#" + instance, version, held, stream, to.fanout);
            to.sessions.add(session);
            session.pump();
        }

        /** The stream ends (either side); the loop removes the session. */
        void drop() {
            if (session != null) {
                session.markClosed();
                replica.fanout.fullStates().release(session);
                replica.sessions.remove(session);
            }
            session = null;
            stream = null;
        }
    }

    private static final class World {
        final RandomGenerator random;
        final ManualTimer timer = new ManualTimer();
        final List<Replica> replicas = List.of(new Replica("r0", timer), new Replica("r1", timer));
        final List<Agent> agents = new ArrayList<>();
        final List<ClusterState> inputs = new ArrayList<>();
        final StringBuilder trace = new StringBuilder();
        boolean quiet;

        World(RandomGenerator random) {
            this.random = random;
            inputs.add(cluster());
            for (int i = 0; i < NODES.size(); i++) {
                agents.add(new Agent(NODES.get(i), replicas.get(i % replicas.size())));
            }
        }

        void note(String s) {
            if (trace.length() < 6_000) {
                trace.append(s).append("; ");
            }
        }

        void play() {
            replicas.forEach(r -> catchUp(r, inputs.size()));
            agents.forEach(a -> a.connect(a.replica));
            for (int step = 0; step < STEPS; step++) {
                step();
            }
            quiesce();
            for (Agent a : agents) {
                Snapshot cur = a.replica.history.current();
                String who = "agent on " + a.node + " (" + a.replica.id + ")";
                assertEquals(cur.view(a.node), a.view, who + " holds its replica's view");
                AgentStatus st = a.session.status(System.nanoTime());
                assertEquals(0, a.session.inflightVersion(), who + ": nothing in flight");
                assertTrue(a.stream.deltas.isEmpty(), who + ": nothing undelivered");
                assertEquals(a.version, st.ackedVersion(), who + ": the replica knows what it acknowledged");
                assertEquals(0, st.lagRevisions(), who + ": lag");
                assertTrue(a.version >= cur.nodeVersion(a.node), who + ": version " + a.version
                        + " below the node's " + cur.nodeVersion(a.node));
                assertEquals(st.currentVersion(), a.version, who + ": acknowledged the node's current version");
            }
        }

        private void step() {
            int pick = random.nextInt(16);
            switch (pick) {
                case 0, 1 -> newInput();
                case 2, 3 -> lagging().ifPresent(r -> catchUp(r, r.published + 1));
                case 4, 5, 6, 7, 8 -> deliver(agents.get(random.nextInt(agents.size())));
                case 9 -> flowControl(agents.get(random.nextInt(agents.size())));
                case 10 -> timer.fireNext();
                case 11 -> reconnect(agents.get(random.nextInt(agents.size())));
                case 12 -> notice();
                case 13 -> {
                    if (random.nextInt(8) == 0) {
                        restartReplica(replicas.get(random.nextInt(replicas.size())));
                    }
                }
                case 14 -> {
                    if (random.nextInt(6) == 0) {
                        restartAgent(agents.get(random.nextInt(agents.size())));
                    }
                }
                default -> agents.stream().filter(a -> !a.connected()).findFirst().ifPresent(a -> a.connect(a.replica));
            }
        }

        private java.util.Optional<Replica> lagging() {
            return replicas.stream().filter(r -> r.published < inputs.size()).findAny();
        }

        private void newInput() {
            ClusterState last = inputs.getLast();
            ClusterState next = random.nextInt(4) == 0 && inputs.size() > 2
                    ? inputs.get(inputs.size() - 1 - 1 - random.nextInt(Math.min(3, inputs.size() - 1))) // revert
                    : mutate(last);
            inputs.add(next);
            note("input " + (inputs.size() - 1));
            for (Replica r : replicas) {
                if (random.nextInt(3) != 0) {
                    catchUp(r, inputs.size());
                }
            }
        }

        /** The replica's pipeline publishes input states up to {@code upTo} (exclusive), one by one. */
        private void catchUp(Replica r, int upTo) {
            boolean firstState = r.published == 0;
            while (r.published < Math.min(upTo, inputs.size())) {
                // A restarted replica computes the latest inputs at once, as a pipeline coalesces.
                int index = firstState ? inputs.size() - 1 : r.published;
                long rev = r.publish(inputs.get(index), index);
                note(r.id + " publishes " + index + " as " + rev);
                if (rev > 0) {
                    for (Replica peer : replicas) {
                        if (peer != r && random.nextBoolean()) {
                            peer.history.observe(rev); // the revision notice arrives at once (else later, in notice())
                        }
                    }
                }
                firstState = false;
            }
            if (r.published > 0) {
                r.serve();
            }
        }

        private void notice() {
            Replica from = replicas.get(random.nextInt(replicas.size()));
            for (Replica peer : replicas) {
                if (peer != from) {
                    peer.history.observe(from.history.current().revision());
                }
            }
        }

        private void deliver(Agent a) {
            if (!a.connected() || a.stream.deltas.isEmpty()) {
                return;
            }
            PolicyDelta d = a.stream.deltas.poll();
            assertTrue(d.getVersion() > a.rejected, a.node + ": " + d.getNonce() + " after rejecting version " + a.rejected);
            boolean valid = d.getFullState() ? d.getVersion() != 0
                    : d.getBaseVersion() == a.version && d.getVersion() > a.version;
            if (!valid) {
                note(a.node + " nacks " + d.getNonce() + " (holds " + a.version + ")");
                a.rejected = Math.max(a.rejected, d.getVersion());
                a.session.onNack(d.getNonce(), d.getVersion(), 9, "base_version " + d.getBaseVersion()
                        + " is not the held version " + a.version);
                return;
            }
            if (!quiet && random.nextInt(8) == 0) {
                note(a.node + " rejects " + d.getNonce());
                a.rejected = Math.max(a.rejected, d.getVersion());
                a.session.onNack(d.getNonce(), d.getVersion(), 8, "policy map full");
                return;
            }
            NodeView next = DeltaCodec.decode(d).applyTo(a.view);
            assertEquals(d.getStateDigest(), next.digest(), a.node + ": the digest after applying " + d.getNonce()
                    + " is the one the distributor stated (the delta took the agent elsewhere)");
            assertTrue(d.getVersion() > a.version, a.node + ": versions only grow (" + a.version + ", then " + d.getNonce() + ")");
            a.view = next;
            a.version = d.getVersion();
            note(a.node + " acks " + d.getNonce());
            a.session.onAck(d.getNonce(), d.getVersion());
        }

        private void flowControl(Agent a) {
            if (!a.connected()) {
                return;
            }
            a.stream.ready = quiet || !a.stream.ready;
            if (a.stream.ready) {
                a.session.pump(); // onReady
            }
        }

        private void reconnect(Agent a) {
            a.drop();
            Replica to = random.nextInt(3) == 0 ? replicas.get(random.nextInt(replicas.size())) : a.replica;
            note(a.node + " reconnects to " + to.id + " with " + a.version);
            a.connect(to);
        }

        private void restartReplica(Replica r) {
            note(r.id + " restarts");
            for (Agent a : agents) {
                if (a.replica == r) {
                    a.drop();
                }
            }
            r.start(false);
        }

        private void restartAgent(Agent a) {
            note(a.node + " agent restarts");
            a.drop();
            a.instance++;
            a.version = 0;
            a.view = NodeView.EMPTY;
        }

        /** Inputs stop, every replica catches up, agents reconnect and acknowledge until nothing is left. */
        private void quiesce() {
            quiet = true;
            note("quiesce");
            replicas.forEach(r -> catchUp(r, inputs.size()));
            notice();
            for (Agent a : agents) {
                if (!a.connected()) {
                    a.connect(a.replica);
                }
                flowControl(a);
            }
            for (int i = 0; i < 10_000; i++) {
                Agent pending = agents.stream().filter(a -> !a.stream.deltas.isEmpty()).findFirst().orElse(null);
                if (pending != null) {
                    deliver(pending);
                } else if (!timer.fireNext()) {
                    return;
                }
            }
            throw new AssertionError("still exchanging messages after 10000 events");
        }

        private ClusterState cluster() {
            Map<String, IpcacheMapping> ip = new HashMap<>();
            ip.put("0.0.0.0/0", new IpcacheMapping(2, ""));
            Map<String, Map<String, EndpointState>> nodes = new HashMap<>();
            for (String n : NODES) {
                nodes.put(n, Map.of(n + "/a", endpoint(n + "/a")));
            }
            return new ClusterState(ip, nodes);
        }

        private EndpointState endpoint(String name) {
            MapState.Builder b = MapState.builder();
            for (int i = random.nextInt(4); i > 0; i--) {
                b.put(PolicyKey.l4(256 + random.nextInt(4), random.nextBoolean() ? Direction.INGRESS : Direction.EGRESS,
                        6, 80 + random.nextInt(3)), random.nextInt(4) == 0 ? PolicyEntry.DENY : PolicyEntry.ALLOW);
            }
            return EndpointState.of(name, 256 + random.nextInt(4), List.of(), b.build());
        }

        /** One small change: a pod address, or one endpoint's state, of one node. */
        private ClusterState mutate(ClusterState from) {
            Map<String, IpcacheMapping> ip = new HashMap<>(from.ipcache());
            Map<String, Map<String, EndpointState>> nodes = new HashMap<>(from.nodes());
            if (random.nextBoolean()) {
                String prefix = "10.0.0." + random.nextInt(4) + "/32";
                if (ip.remove(prefix) == null) {
                    ip.put(prefix, new IpcacheMapping(256 + random.nextInt(4), NODES.get(random.nextInt(NODES.size()))));
                }
            } else {
                String node = NODES.get(random.nextInt(NODES.size()));
                Map<String, EndpointState> eps = new HashMap<>(nodes.getOrDefault(node, Map.of()));
                String name = node + "/" + (char) ('a' + random.nextInt(3));
                if (eps.containsKey(name) && random.nextInt(3) == 0) {
                    eps.remove(name);
                } else {
                    eps.put(name, endpoint(name));
                }
                nodes.put(node, eps);
            }
            return new ClusterState(ip, nodes);
        }
    }
}
