package dev.bulwark.identity.bench;

import dev.bulwark.identity.client.IdentityClient;
import dev.bulwark.identity.client.IdentityView;
import dev.bulwark.identity.server.IdentityAllocatorConfig;
import dev.bulwark.identity.server.IdentityAllocatorServer;
import dev.bulwark.model.LabelSet;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Bulwark under test: 3 replicas in this JVM on loopback and one {@link IdentityClient} per node, shared
 * by that node's callers, as in a node agent (concurrent Allocate calls of one node are coalesced into
 * one RPC by the client). The benchmark runs its warm-up on throwaway clusters of this kind and measures
 * a fresh one, so the measured table starts empty whatever the warm-up allocated.
 */
final class BulwarkCluster implements AutoCloseable {

    private final List<IdentityAllocatorServer> servers = new ArrayList<>();
    private final List<IdentityClient> clients = new ArrayList<>();
    private final List<String> addresses;

    private BulwarkCluster(List<String> addresses) {
        this.addresses = addresses;
    }

    static BulwarkCluster start(Path dataRoot, int nodes) throws Exception {
        List<IdentityAllocatorConfig> configs = IdentityAllocatorConfig.loopbackCluster(3, dataRoot, 1);
        BulwarkCluster c = new BulwarkCluster(configs.stream().map(x -> x.self().grpcAddress()).toList());
        try {
            for (IdentityAllocatorConfig config : configs) {
                c.servers.add(IdentityAllocatorServer.start(config));
            }
            for (int i = 0; i < nodes; i++) {
                c.clients.add(IdentityClient.connect(c.addresses));
            }
            // Each client dials, finds the leader and passes one read barrier before anything is measured:
            // otherwise the first calls of a fresh cluster wait for channel setup and for the first
            // election's aftermath (every first call of 1,024 callers took 0.1-0.7 s). Nothing is allocated.
            for (IdentityClient client : c.clients) {
                client.readRevision();
            }
        } catch (Exception | Error e) {
            c.close();
            throw e;
        }
        return c;
    }

    List<String> addresses() {
        return addresses;
    }

    long appliedIndex() {
        return servers.getFirst().appliedIndex();
    }

    /**
     * Allocates {@code sets[0..n)} with {@code clients} closed-loop callers, {@code perCall} sets per
     * call; caller c acts for node c mod nodes (its owner and its client).
     */
    LoadPhase.Measured allocate(List<LabelSet> sets, int n, int callers, int perCall, long durationNanos) throws InterruptedException {
        int nodes = clients.size();
        return LoadPhase.run(callers, n / perCall, durationNanos, (c, i) -> {
            List<LabelSet> call = new ArrayList<>(perCall);
            for (int j = 0; j < perCall; j++) {
                call.add(sets.get(i * perCall + j));
            }
            clients.get(c % nodes).allocate("node-" + (c % nodes), call);
        });
    }

    /** Views of every node (close them); each answers linearizable lookups from its watch-fed copy. */
    List<IdentityView> openViews() {
        List<IdentityView> views = new ArrayList<>();
        clients.forEach(client -> views.add(IdentityView.open(client)));
        return views;
    }

    /** Lookups of random sets of {@code sets[0..n)} through the callers' nodes' views. */
    static LoadPhase.Operation viewLookups(List<IdentityView> views, List<LabelSet> sets, int n) {
        return (c, i) -> views.get(c % views.size()).idOf(sets.get(ThreadLocalRandom.current().nextInt(n))).orElseThrow();
    }

    /** The same lookups as one Lookup RPC each (also linearizable): the views' same-run baseline. */
    LoadPhase.Operation rpcLookups(List<LabelSet> sets, int n) {
        return (c, i) -> clients.get(c % clients.size()).lookup(sets.get(ThreadLocalRandom.current().nextInt(n))).orElseThrow();
    }

    @Override
    public void close() {
        clients.forEach(IdentityClient::close);
        for (IdentityAllocatorServer s : servers) {
            try {
                s.close();
            } catch (Exception e) {
                // closing the others matters more than this one's close failure
            }
        }
    }
}
