package dev.bulwark.policy.distribution.cluster;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import dev.bulwark.policy.distribution.stream.DistributionLoop;
import dev.bulwark.proto.policy.v1.ReplicaState;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.AsyncMap;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One replica's membership in the distributor cluster. Concurrency model: Vert.x's event loop runs the
 * announcements and the notice consumer; the replica list read by {@link #replicas()} is a volatile
 * immutable list replaced on each refresh; the loop is only ever told {@code observe(revision)}.
 */
public final class ReplicaCluster implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ReplicaCluster.class);
    static final String REVISIONS = "bulwark.distributor.revisions";
    static final String REPLICAS = "bulwark.distributor.replicas";

    private final ClusterConfig config;
    private final Vertx vertx;
    private final DistributionLoop loop;
    private final AsyncMap<String, JsonObject> directory;
    private volatile List<ReplicaState> replicas = List.of();
    private final long timer;

    private ReplicaCluster(ClusterConfig config, Vertx vertx, DistributionLoop loop, AsyncMap<String, JsonObject> directory) {
        this.config = config;
        this.vertx = vertx;
        this.loop = loop;
        this.directory = directory;
        vertx.eventBus().<JsonObject>consumer(REVISIONS, m -> {
            if (!config.replicaId().equals(m.body().getString("replica"))) {
                loop.observe(m.body().getLong("revision"));
            }
        });
        loop.onRevision(revision -> vertx.eventBus().publish(REVISIONS,
                new JsonObject().put("replica", config.replicaId()).put("revision", revision)));
        announce();
        timer = vertx.setPeriodic(config.announceEvery().toMillis(), id -> announce());
    }

    /** Joins (or forms) the cluster; blocks until joined. */
    public static ReplicaCluster join(ClusterConfig config, DistributionLoop loop) throws Exception {
        Config hz = new Config();
        hz.setClusterName("bulwark-distributors");
        hz.setProperty("hazelcast.phone.home.enabled", "false");
        hz.setProperty("hazelcast.logging.type", "slf4j");
        hz.getNetworkConfig().setPort(config.hazelcastPort()).setPortAutoIncrement(false);
        hz.getNetworkConfig().getInterfaces().setEnabled(true).addInterface(config.host());
        JoinConfig join = hz.getNetworkConfig().getJoin();
        join.getMulticastConfig().setEnabled(false);
        join.getAutoDetectionConfig().setEnabled(false);
        join.getTcpIpConfig().setEnabled(true).setMembers(config.members());
        Vertx vertx = Vertx.builder().withClusterManager(new HazelcastClusterManager(hz)).buildClustered()
                .toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
        AsyncMap<String, JsonObject> directory = vertx.sharedData().<String, JsonObject>getAsyncMap(REPLICAS)
                .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        return new ReplicaCluster(config, vertx, loop, directory);
    }

    /** Every replica that announced itself within ten periods, this one included. */
    public List<ReplicaState> replicas() {
        return replicas;
    }

    private void announce() {
        loop.status().thenAccept(s -> {
            JsonObject entry = new JsonObject().put("address", config.address()).put("revision", s.revision())
                    .put("agents", s.agents().size()).put("seen", System.currentTimeMillis());
            directory.put(config.replicaId(), entry, config.announceEvery().toMillis() * 10)
                    .compose(v -> directory.entries())
                    .onSuccess(all -> {
                        List<ReplicaState> list = new ArrayList<>();
                        all.forEach((id, e) -> list.add(ReplicaState.newBuilder().setReplicaId(id)
                                .setAddress(e.getString("address", "")).setRevision(e.getLong("revision", 0L))
                                .setAgents(e.getInteger("agents", 0)).setSeenUnixMs(e.getLong("seen", 0L)).build()));
                        list.sort(Comparator.comparing(ReplicaState::getReplicaId));
                        replicas = List.copyOf(list);
                    })
                    .onFailure(e -> LOG.debug("replica announcement failed: {}", e.getMessage()));
        });
    }

    /** Leaves the cluster (its entry is removed; peers stop seeing it). */
    @Override
    public void close() {
        vertx.cancelTimer(timer);
        try {
            directory.remove(config.replicaId()).toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.debug("could not remove the replica entry: {}", e.getMessage());
        }
        try {
            vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.warn("leaving the cluster did not finish cleanly", e);
        }
    }
}
