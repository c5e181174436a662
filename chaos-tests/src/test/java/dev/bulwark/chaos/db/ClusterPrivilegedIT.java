package dev.bulwark.chaos.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.bulwark.chaos.generator.FaultKind;
import dev.bulwark.chaos.generator.FaultWindow;
import dev.bulwark.chaos.generator.Targeting;
import dev.bulwark.chaos.history.History;
import dev.bulwark.chaos.history.HistoryRecorder;
import dev.bulwark.chaos.history.Op;
import dev.bulwark.chaos.history.OpType;
import dev.bulwark.chaos.nemesis.Nemesis;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fabric, replica processes and nemesis on real namespaces. The "replica" is a test fake: a
 * single-file Java TCP listener that counts its starts in its data directory (the store is not the
 * subject here; the process, network and fault machinery is).
 */
class ClusterPrivilegedIT {

    private static final int PORT = 7001;
    private static final String LISTENER = """
            import java.net.*; import java.nio.file.*;
            public class Listener {
                public static void main(String[] a) throws Exception {
                    Path starts = Path.of(a[2], "starts");
                    int n = Files.exists(starts) ? Integer.parseInt(Files.readString(starts).trim()) : 0;
                    Files.writeString(starts, Integer.toString(n + 1));
                    try (ServerSocket s = new ServerSocket()) {
                        s.bind(new InetSocketAddress(a[0], Integer.parseInt(a[1])));
                        while (true) { s.accept().close(); }
                    }
                }
            }
            """;

    @BeforeAll
    static void privileged() {
        String problem = HostCommand.privilegeProblem();
        if (problem != null) {
            System.out.println("ClusterPrivilegedIT skipped: " + problem);
        }
        assumeTrue(problem == null, problem);
    }

    @Test
    void faultsActOnRealProcessesAndNamespacesAndEverythingIsRemoved(@TempDir Path dir) throws Exception {
        Path source = dir.resolve("Listener.java");
        Files.writeString(source, LISTENER);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ReplicaCommand command = (node, address, peers, data, join) ->
                List.of(java, source.toString(), address, Integer.toString(PORT), data.toString());
        String run = "t" + Long.toString(ProcessHandle.current().pid() % 1000, 36);
        int octet = 100 + (int) (ProcessHandle.current().pid() % 100);
        List<String> nodes = List.of("n1", "n2", "n3");
        String n1;
        long oldPid;
        try (HistoryRecorder history = new HistoryRecorder(System::nanoTime, null);
             Cluster cluster = new Cluster(run, octet, nodes, dir, command)) {
            cluster.startAll();
            n1 = cluster.addresses().get("n1");
            for (String node : nodes) {
                awaitListening(cluster.addresses().get(node));
            }
            Nemesis nemesis = new Nemesis(cluster, history, () -> Optional.of("n1"), n -> true, null);

            // Leader isolation: n2 cannot reach n1, n2 still reaches n3, the harness still reaches n1.
            FaultWindow partition = new FaultWindow(0, 1, FaultKind.PARTITION, Targeting.LEADER, 1);
            nemesis.start(partition);
            assertFalse(reachable(cluster, "n2", n1), "n2 -> n1 must be cut");
            assertTrue(reachable(cluster, "n2", cluster.addresses().get("n3")), "n2 -> n3 must work");
            assertTrue(connects(n1), "harness -> n1 is not part of the partition");
            nemesis.stop(partition);
            assertTrue(reachable(cluster, "n2", n1), "healed");

            // kill -9 and restart on the same data.
            oldPid = cluster.replica("n1").pid();
            FaultWindow kill = new FaultWindow(0, 1, FaultKind.KILL, Targeting.LEADER, 1);
            nemesis.start(kill);
            assertFalse(cluster.replica("n1").alive());
            assertFalse(ProcessHandle.of(oldPid).map(ProcessHandle::isAlive).orElse(false));
            nemesis.stop(kill);
            awaitListening(n1);
            assertNotEquals(oldPid, cluster.replica("n1").pid());
            assertEquals("2", Files.readString(dir.resolve("n1").resolve("starts")), "restarted on the same data");

            // SIGSTOP / SIGCONT by PID.
            FaultWindow pause = new FaultWindow(0, 1, FaultKind.PAUSE, Targeting.ONE, 3);
            nemesis.start(pause);
            String paused = history.history().ops().getLast().value().detail();
            assertEquals('T', state(cluster.replica(paused).pid()), "stopped");
            nemesis.stop(pause);
            assertNotEquals('T', state(cluster.replica(paused).pid()), "continued");

            History h = history.history();
            // Each fault waits until every replica serves (here: always) before it starts.
            assertEquals(List.of("await-recovery", "start-partition", "stop-partition", "await-recovery", "kill",
                    "restart", "await-recovery", "pause", "resume"),
                    h.nemesisOperations().stream().map(o -> o.invoke().f()).toList());
            assertTrue(h.nemesisOperations().stream().allMatch(o -> o.outcome() == OpType.OK), h.ops().toString());
            String grudge = h.ops().stream().filter(o -> o.f().equals("start-partition")).findFirst().orElseThrow()
                    .value().detail();
            assertTrue(grudge.startsWith("leader n1<-{n2,n3}"), grudge);
            assertEquals(Op.NEMESIS, h.ops().getFirst().process());
            oldPid = cluster.replica("n2").pid();
        }
        // Everything created is gone.
        assertFalse(ProcessHandle.of(oldPid).map(ProcessHandle::isAlive).orElse(false), "replica processes killed");
        String namespaces = HostCommand.run("ip", "netns", "list");
        assertFalse(namespaces.contains("bwc" + run + "-"), namespaces);
        assertNotNull(HostCommand.tryRun("ip", "link", "show", "bwc" + run), "bridge removed");
    }

    private static boolean reachable(Cluster cluster, String from, String address) {
        return cluster.fabric().inNamespaceStatus(from, "timeout", "2", "bash", "-c",
                "exec 3<>/dev/tcp/" + address + "/" + PORT) == 0;
    }

    private static boolean connects(String address) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(address, PORT), 1_000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static void awaitListening(String address) throws InterruptedException {
        for (int i = 0; i < 300; i++) {
            if (connects(address)) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError(address + ":" + PORT + " never listened");
    }

    private static char state(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        return stat.charAt(stat.lastIndexOf(')') + 2);
    }
}
