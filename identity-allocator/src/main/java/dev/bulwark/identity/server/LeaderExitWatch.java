package dev.bulwark.identity.server;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.apache.ratis.proto.RaftProtos.RaftRpcRequestProto;
import org.apache.ratis.proto.RaftProtos.StartLeaderElectionRequestProto;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.DivisionInfo;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.protocol.TermIndex;
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
 * <p>Standing is Ratis's own leadership-transfer request ({@code StartLeaderElection}) delivered to this
 * replica as if the gone leader had sent it: Ratis checks that the leader it names is the one this
 * replica follows in the current term and that this replica's log is not behind the entry it names (our
 * own last entry), and then starts an election without the pre-vote round. To keep the survivors from
 * splitting the vote, they stand in the order of {@link #rank}: the first at once, the next after
 * {@code stagger}, and only if no candidate has asked it for a vote meanwhile (its term is unchanged).
 * At most one such election per leader term.
 *
 * <p>Thread model: one daemon platform thread per replica polls the division every {@code poll} (the
 * read timeout on the idle connection) and does all the socket I/O; nothing else touches its fields.
 */
final class LeaderExitWatch implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LeaderExitWatch.class);
    private static final Duration POLL = Duration.ofMillis(50);
    private static final Duration DIAL_TIMEOUT = Duration.ofMillis(250);

    private final RaftServer raft;
    private final RaftGroupId groupId;
    private final RaftPeerId self;
    private final Duration stagger;
    private final Runnable onStood;
    private final Thread thread;
    private volatile boolean running = true;

    private Socket socket;
    private RaftPeerId watched;
    private long standTerm = -1;

    /** Starts watching; {@code onStood} runs (on the watch thread) each time this replica stands early. */
    LeaderExitWatch(RaftServer raft, RaftGroupId groupId, RaftPeerId self, Duration stagger, Runnable onStood) {
        this.raft = raft;
        this.groupId = groupId;
        this.self = self;
        this.stagger = stagger;
        this.onStood = onStood;
        this.thread = Thread.ofPlatform().daemon().name("leader-exit-watch-" + self).start(this::run);
    }

    /**
     * This replica's place among the followers that may stand when {@code leader} is gone: its index in
     * the voting members other than the leader, ordered by id, so every survivor computes the same order.
     */
    static int rank(List<RaftPeerId> voters, RaftPeerId leader, RaftPeerId self) {
        return (int) voters.stream().filter(p -> !p.equals(leader)).map(RaftPeerId::toString).sorted()
                .takeWhile(id -> !id.equals(self.toString())).count();
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

    private enum Dial { CONNECTED, REFUSED, NO_ANSWER }

    private Dial dial(RaftPeer peer) {
        String address = peer.getAddress();
        int colon = address.lastIndexOf(':');
        Socket s = new Socket();
        try {
            s.connect(new InetSocketAddress(address.substring(0, colon), Integer.parseInt(address.substring(colon + 1))),
                    (int) DIAL_TIMEOUT.toMillis());
            s.setSoTimeout((int) POLL.toMillis());
            socket = s;
            watched = peer.getId();
            return Dial.CONNECTED;
        } catch (ConnectException e) {
            close(s);
            return Dial.REFUSED;
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
        List<RaftPeerId> voters = division.getRaftConf().getCurrentPeers().stream().map(RaftPeer::getId).toList();
        int rank = rank(voters, leader, self);
        if (rank > 0) {
            pause(stagger.multipliedBy(rank));
        }
        DivisionInfo info = division.getInfo();
        if (!running || !info.isFollower() || info.getCurrentTerm() != term || !leader.equals(info.getLeaderId())) {
            return; // someone stood first and asked us for a vote, or we lead now
        }
        Optional<TermIndex> last = Optional.ofNullable(division.getRaftLog().getLastEntryTermIndex());
        if (last.isEmpty() || last.get().getTerm() != term) {
            return; // Ratis accepts the request only for the leader's current term; leave it to the timer
        }
        StartLeaderElectionRequestProto request = StartLeaderElectionRequestProto.newBuilder()
                .setServerRequest(RaftRpcRequestProto.newBuilder()
                        .setRequestorId(leader.toByteString())
                        .setReplyId(self.toByteString())
                        .setRaftGroupId(ProtoUtils.toRaftGroupIdProtoBuilder(groupId)))
                .setLeaderLastEntry(last.get().toProto())
                .build();
        boolean started = raft.startLeaderElection(request).getServerReply().getSuccess();
        if (started) {
            onStood.run();
        }
        LOG.info("{}: leader {} of term {} is gone (its Raft port refuses connections); rank {}: {}",
                self, leader, term, rank, started ? "standing for election now" : "Ratis declined, the timer decides");
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
