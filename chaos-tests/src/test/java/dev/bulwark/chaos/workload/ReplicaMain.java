package dev.bulwark.chaos.workload;

import dev.bulwark.identity.server.IdentityAllocatorConfig;
import dev.bulwark.identity.server.IdentityAllocatorServer;
import dev.bulwark.identity.server.Peer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * Starts one real identity-store replica, with the same arguments as {@code bulwark allocator start}
 * ({@code --id n1 --peers n1=host:port,... --data DIR --cluster-id N [--join]}). Lets the privileged chaos runs of
 * this module start replicas from the test class path; {@code bulwark chaos run} uses the CLI itself.
 */
public final class ReplicaMain {

    private ReplicaMain() {
    }

    public static void main(String[] args) throws Exception {
        List<String> a = Arrays.asList(args);
        String id = a.get(a.indexOf("--id") + 1);
        List<Peer> peers = Arrays.stream(a.get(a.indexOf("--peers") + 1).split(",")).map(Peer::parse).toList();
        Path data = Path.of(a.get(a.indexOf("--data") + 1));
        int cluster = Integer.parseInt(a.get(a.indexOf("--cluster-id") + 1));
        IdentityAllocatorConfig base = IdentityAllocatorConfig.of(id, peers, data, cluster);
        IdentityAllocatorConfig config = !a.contains("--join") ? base : new IdentityAllocatorConfig(id, peers, data,
                base.policy(), base.filter(), base.raft(), base.metricsPort(), true);
        IdentityAllocatorServer server = IdentityAllocatorServer.start(config);
        System.out.println("replica " + id + " started");
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                server.close();
            } catch (Exception e) {
                System.err.println("close: " + e);
            }
        }));
        Thread.currentThread().join();
    }
}
