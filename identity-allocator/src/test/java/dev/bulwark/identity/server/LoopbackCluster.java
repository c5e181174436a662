package dev.bulwark.identity.server;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/** N real replicas in this JVM on loopback, for ITs: start, stop and restart one, wait for a leader. */
final class LoopbackCluster implements AutoCloseable {

    final List<IdentityAllocatorConfig> configs;
    final IdentityAllocatorServer[] servers;

    LoopbackCluster(int n, Path dir, int clusterId, UnaryOperator<IdentityAllocatorConfig> adjust) throws IOException {
        this.configs = IdentityAllocatorConfig.loopbackCluster(n, dir, clusterId).stream().map(adjust).toList();
        this.servers = new IdentityAllocatorServer[n];
        for (int i = 0; i < n; i++) {
            servers[i] = IdentityAllocatorServer.start(configs.get(i));
        }
    }

    List<String> addresses() {
        return configs.stream().map(c -> c.self().grpcAddress()).toList();
    }

    int awaitLeader(Duration timeout) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < end) {
            for (int i = 0; i < servers.length; i++) {
                if (servers[i] != null && servers[i].isLeader()) {
                    return i;
                }
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no leader within " + timeout);
    }

    void stop(int i) throws IOException {
        servers[i].close();
        servers[i] = null;
    }

    void restart(int i) throws IOException {
        servers[i] = IdentityAllocatorServer.start(configs.get(i));
    }

    /**
     * Waits until every running replica has the same table revision, at least {@code minRevision}. If they
     * do not, the failure message holds each replica's Raft state when the wait began and when it gave up
     * ({@link RaftStatus}), so a failure on a busy CI machine explains itself without Ratis's logs.
     */
    void awaitConverged(long minRevision, Duration timeout) throws InterruptedException {
        String atStart = raftStatus();
        long end = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < end) {
            List<Long> revisions = new ArrayList<>();
            for (IdentityAllocatorServer s : servers) {
                if (s != null) {
                    revisions.add(s.table().revision());
                }
            }
            if (revisions.stream().distinct().count() == 1 && revisions.getFirst() >= minRevision) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("replicas did not converge on a table revision >= " + minRevision + " within "
                + timeout + "\nwhen the wait began:\n" + atStart + "\nwhen it gave up:\n" + raftStatus());
    }

    /** One line per replica: its Raft state, or that it is stopped. */
    String raftStatus() {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < servers.length; i++) {
            IdentityAllocatorServer s = servers[i];
            b.append("  ").append(s == null ? configs.get(i).id() + ": stopped"
                    : s.raftStatus().map(RaftStatus::toString).orElse(configs.get(i).id() + ": no Raft group"));
            b.append('\n');
        }
        return b.toString();
    }

    @Override
    public void close() throws IOException {
        for (int i = 0; i < servers.length; i++) {
            if (servers[i] != null) {
                servers[i].close();
            }
        }
    }
}
