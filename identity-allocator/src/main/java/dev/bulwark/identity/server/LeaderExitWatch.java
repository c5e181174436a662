package dev.bulwark.identity.server;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.ratis.proto.RaftProtos.RaftRpcRequestProto;
import org.apache.ratis.proto.RaftProtos.StartLeaderElectionRequestProto;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.DivisionInfo;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.protocol.TermIndex;
import org.apache.ratis.util.NetUtils;
import org.apache.ratis.util.ProtoUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes a follower stand for election as soon as the leader's process is gone, instead of after one to
 * two election timeouts of silence (Ratis's follower sleeps a random timeout, then checks; that was most
 * of the 0.6-1.5 s write stall after a leader kill, docs/chaos.md).
 *
 * <p>The follower holds an idle TCP connection to the leader's Raft port. When the leader's process exits
 * (killed or closed) its kernel closes that connection at once; the follower then dials the port again,
 * and only a <em>refused</em> connection counts: nothing listens there, so the leader is not slow, paused
 * or cut off, it is gone. A paused leader (SIGSTOP) keeps its sockets and accepts connections; a
 * partition that drops packets closes nothing; so neither triggers an early election, and pre-vote still
 * guards those cases. (A firewall that rejects with resets between two replicas would look like an exit:
 * then the follower stands at once, as it would after its timeout anyway.)
 *
 * <p>Who stands: with the leader gone the survivors' logs no longer grow, so each survivor asks the
 * others for their last log entry and how long they have been followers (Ratis group info), and only
 * the best one stands: the most advanced log, then a replica that has been a follower for at least
 * {@link #WARM} over one just restarted (its JVM is cold and its first election RPCs were slow), then
 * the smallest id. It wins every vote it asks for. Without that, the first to notice was often one
 * entry behind, was refused, and had moved the others to a new term, so the next election waited for a
 * timer again. A survivor whose answer shows it already standing makes the others stay followers (its
 * role time restarted when it stood, so it would look cold). A survivor that has not heard from every
 * other survivor within {@code QUERY_TIMEOUT} does not stand early (it might be the one behind). The
 * others never stand early either; if the one chosen does not, the election timer decides as before
 * (standing anyway after a delay, or counting a silent survivor as an equal, split the vote).
 *
 * <p>Standing is Ratis's own leadership-transfer request ({@code StartLeaderElection}) delivered to this
 * replica as if the gone leader had sent it: Ratis checks that the leader it names is the one this
 * replica follows in the current term and that this replica's log is not behind the entry it names (our
 * own last entry), and then starts an election without the pre-vote round. At most one such election
 * per leader term.
 *
 * <p>Thread model: one daemon platform thread per replica polls the division every {@code POLL} (the
 * read timeout on the idle connection) and does all the socket I/O; the log queries run on virtual
 * threads it waits for ({@link SurvivorStandings}). Nothing else touches its fields.
 */
final class LeaderExitWatch implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LeaderExitWatch.class);
    private static final Duration POLL = Duration.ofMillis(50);
    private static final Duration DIAL_TIMEOUT = Duration.ofMillis(250);
    /** Long: in a 3-replica group the other survivor must be up for any election to succeed anyway. */
    private static final Duration QUERY_TIMEOUT = Duration.ofSeconds(1);
    static final Duration WARM = Duration.ofSeconds(5);

    private final RaftServer raft;
    private final RaftGroupId groupId;
    private final RaftPeerId self;
    private final SurvivorStandings survivorStandings;
    private final Runnable onStood;
    private final Thread thread;
    private volatile boolean running = true;

    private Socket socket;
    private RaftPeerId watched;
    private long standTerm = -1;

    /** Starts watching; {@code onStood} runs (on the watch thread) each time this replica stands early. */
    LeaderExitWatch(RaftServer raft, RaftGroupId groupId, RaftPeerId self, Runnable onStood) {
        this.raft = raft;
        this.groupId = groupId;
        this.self = self;
        this.survivorStandings = new SurvivorStandings(groupId, QUERY_TIMEOUT);
        this.onStood = onStood;
        this.thread = Thread.ofPlatform().daemon().name("leader-exit-watch-" + self).start(this::run);
    }

    /**
     * The survivor that should stand: the most advanced last log entry (term, then index), then a warm
     * replica over a cold one, then the smallest id, so that every survivor that sees the same standings
     * picks the same one.
     */
    static RaftPeerId chooseCandidate(Map<RaftPeerId, SurvivorStandings.Standing> standings) {
        Comparator<Map.Entry<RaftPeerId, SurvivorStandings.Standing>> best = Comparator
                .comparing((Map.Entry<RaftPeerId, SurvivorStandings.Standing> e) -> e.getValue().last().getTerm())
                .thenComparing(e -> e.getValue().last().getIndex())
                .thenComparing(e -> e.getValue().warm())
                .thenComparing(e -> e.getKey().toString(), Comparator.reverseOrder());
        return standings.entrySet().stream().max(best).orElseThrow().getKey();
    }

    private void run() {
        while (running) {
            try {
                step();
            } catch (IOException | RuntimeException e) {
                // The division is starting, closing or being replaced; keep watching.
                disconnect();
                pause(POLL);
            }
        }
        disconnect();
        survivorStandings.close();
    }

    private void step() throws IOException {
        RaftServer.Division division = raft.getDivision(groupId);
        DivisionInfo info = division.getInfo();
        RaftPeerId leader = info.getLeaderId();
        RaftPeer peer = leader == null || !info.isFollower() ? null : division.getRaftConf().getPeer(leader);
        if (peer == null) {
            disconnect();
            pause(POLL);
            return;
        }
        if (socket == null || !leader.equals(watched)) {
            disconnect();
            Dial d = dial(peer);
            if (d == Dial.REFUSED) {
                leaderGone(leader, info.getCurrentTerm());
                pause(POLL); // until the election has a result, the port keeps refusing: do not spin on it
            } else if (d == Dial.CONNECTED) {
                List<RaftPeer> members = List.copyOf(division.getRaftConf().getCurrentPeers());
                survivorStandings.prepare(members, otherSurvivors(members, leader));
            } else if (d == Dial.NO_ANSWER) {
                pause(POLL);
            }
            return;
        }
        if (readUntilClosed()) {
            disconnect();
            if (dial(peer) == Dial.REFUSED) {
                leaderGone(leader, info.getCurrentTerm());
            }
        }
    }

    /** The members that would survive {@code leader}, other than this replica. */
    private List<RaftPeerId> otherSurvivors(List<RaftPeer> members, RaftPeerId leader) {
        return members.stream().map(RaftPeer::getId).filter(p -> !p.equals(self) && !p.equals(leader)).toList();
    }

    private enum Dial { CONNECTED, REFUSED, NO_ANSWER }

    private Dial dial(RaftPeer peer) {
        Socket s = new Socket();
        try {
            // Parsed as Ratis parses the peer addresses it dials itself.
            s.connect(NetUtils.createSocketAddr(peer.getAddress()), (int) DIAL_TIMEOUT.toMillis());
            s.setSoTimeout((int) POLL.toMillis());
            socket = s;
            watched = peer.getId();
            return Dial.CONNECTED;
        } catch (ConnectException e) {
            close(s);
            // ECONNREFUSED (a reset: nothing listens). The JDK also maps a kernel connect timeout to
            // ConnectException; that is no answer, not an exit.
            String m = e.getMessage();
            return m != null && m.toLowerCase(Locale.ROOT).contains("refused") ? Dial.REFUSED : Dial.NO_ANSWER;
        } catch (IOException | RuntimeException e) {
            close(s);
            return Dial.NO_ANSWER;
        }
    }

    /** Reads (and drops) what the peer sends for up to one poll; true when the connection has ended. */
    private boolean readUntilClosed() {
        byte[] sink = new byte[512];
        try {
            InputStream in = socket.getInputStream();
            while (true) {
                if (in.read(sink) < 0) {
                    return true;
                }
            }
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    private void leaderGone(RaftPeerId leader, long term) throws IOException {
        if (standTerm == term) {
            return;
        }
        standTerm = term;
        RaftServer.Division division = raft.getDivision(groupId);
        TermIndex last = division.getRaftLog().getLastEntryTermIndex();
        if (last == null || last.getTerm() != term) {
            return; // Ratis accepts the request only for the leader's current term; leave it to the timer
        }
        List<RaftPeer> members = List.copyOf(division.getRaftConf().getCurrentPeers());
        List<RaftPeerId> others = otherSurvivors(members, leader);
        SurvivorStandings.Standing mine = SurvivorStandings.Standing.of(last, division.getInfo().getRoleInfoProto());
        Map<RaftPeerId, SurvivorStandings.Standing> answers = survivorStandings.standings(members, others);
        if (answers.values().stream().anyMatch(SurvivorStandings.Standing::stands)) {
            // Another survivor decided first (its answer shows it as candidate, which also resets its
            // role time, so it looks cold): standing too would split the vote.
            LOG.info("{}: leader {} of term {} is gone; standings {}: another survivor already stands",
                    self, leader, term, answers);
            return;
        }
        if (answers.size() < others.size()) {
            // Without every survivor's standing we might be the one behind: standing could split the
            // vote with the survivor that knows better (seen once in 150 exits). The timer decides.
            LOG.info("{}: leader {} of term {} is gone; standings {} (not all survivors answered): not standing early",
                    self, leader, term, answers);
            return;
        }
        Map<RaftPeerId, SurvivorStandings.Standing> all = new HashMap<>(answers);
        all.put(self, mine);
        RaftPeerId chosen = chooseCandidate(all);
        if (!chosen.equals(self)) {
            LOG.info("{}: leader {} of term {} is gone (its Raft port refuses connections); standings {}, ours {}: {} stands",
                    self, leader, term, answers, mine, chosen);
            return;
        }
        DivisionInfo info = division.getInfo();
        if (!running || !info.isFollower() || info.getCurrentTerm() != term || !leader.equals(info.getLeaderId())) {
            return; // someone else stood and asked us for a vote, or we lead now
        }
        for (Map.Entry<RaftPeerId, SurvivorStandings.Standing> e : answers.entrySet()) {
            if (!e.getValue().warm()) {
                // A survivor restarted seconds ago: our Raft server's channel to it broke when it died and
                // gRPC may still be backing off before reconnecting, failing the vote request at once
                // (seen: the election was rejected with no response and the timer elected a term later).
                raft.getServerRpc().handleException(e.getKey(),
                        new IOException("leader exit: a new channel for the vote request"), true);
            }
        }
        StartLeaderElectionRequestProto request = StartLeaderElectionRequestProto.newBuilder()
                .setServerRequest(RaftRpcRequestProto.newBuilder()
                        .setRequestorId(leader.toByteString())
                        .setReplyId(self.toByteString())
                        .setRaftGroupId(ProtoUtils.toRaftGroupIdProtoBuilder(groupId)))
                .setLeaderLastEntry(last.toProto())
                .build();
        boolean started = raft.startLeaderElection(request).getServerReply().getSuccess();
        if (started) {
            onStood.run();
        }
        LOG.info("{}: leader {} of term {} is gone (its Raft port refuses connections); standings {}, ours {}: {}",
                self, leader, term, answers, mine, started ? "standing for election now" : "Ratis declined, the timer decides");
    }

    private void disconnect() {
        close(socket);
        socket = null;
        watched = null;
    }

    private static void close(Socket s) {
        if (s != null) {
            try {
                s.close();
            } catch (IOException ignored) {
                // nothing to recover: the socket is being dropped
            }
        }
    }

    private static void pause(Duration d) {
        try {
            Thread.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
        try {
            thread.join(1_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
