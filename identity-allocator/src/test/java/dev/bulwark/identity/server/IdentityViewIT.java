package dev.bulwark.identity.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bulwark.identity.client.IdentityClient;
import dev.bulwark.identity.client.IdentityView;
import dev.bulwark.model.LabelSet;
import io.grpc.StatusRuntimeException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Linearizable lookups through {@link IdentityView} against three real replicas: a lookup made on
 * another client right after an Allocate was acknowledged must find it, with the view watching a
 * follower (which applies later than the leader acknowledges, so answering from the copy without
 * waiting for the read revision would miss allocations).
 */
class IdentityViewIT {

    @TempDir
    Path dir;

    private static LabelSet set(String app) {
        return LabelSet.parse(List.of("k8s:app=" + app, "k8s:io.kubernetes.pod.namespace=view"));
    }

    @Test
    void aLookupOnAnotherClientFindsEveryAllocationAcknowledgedBeforeIt() throws Exception {
        try (LoopbackCluster cluster = new LoopbackCluster(3, dir, 3, c -> c)) {
            int leader = cluster.awaitLeader(Duration.ofSeconds(15));
            List<String> followerFirst = new ArrayList<>(cluster.addresses());
            Collections.rotate(followerFirst, -((leader + 1) % 3));
            try (IdentityClient writer = IdentityClient.connect(cluster.addresses());
                 IdentityClient reader = IdentityClient.connect(followerFirst);
                 IdentityView view = IdentityView.open(reader)) {
                assertEquals(OptionalInt.empty(), view.idOf(set("never-allocated")));
                for (int i = 0; i < 150; i++) {
                    int id = writer.allocate("node-w", List.of(set("seq-" + i))).getAllocations(0).getId();
                    assertEquals(OptionalInt.of(id), view.idOf(set("seq-" + i)), "set seq-" + i + " right after its ack");
                    assertEquals(Optional.of(set("seq-" + i)), view.labelsOf(id));
                }
                // Concurrent writers, each handing its acknowledged allocation straight to a lookup.
                try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
                    List<Future<List<String>>> results = new ArrayList<>();
                    for (int t = 0; t < 8; t++) {
                        int thread = t;
                        results.add(threads.submit(() -> {
                            List<String> misses = new ArrayList<>();
                            for (int i = 0; i < 40; i++) {
                                LabelSet s = set("par-" + thread + "-" + i);
                                int id = writer.allocate("node-" + thread, List.of(s)).getAllocations(0).getId();
                                OptionalInt seen = view.idOf(s);
                                if (seen.isEmpty() || seen.getAsInt() != id) {
                                    misses.add(s + " -> " + id + " but the view said " + seen);
                                }
                            }
                            return misses;
                        }));
                    }
                    for (Future<List<String>> f : results) {
                        assertEquals(List.of(), f.get());
                    }
                }
                assertTrue(view.appliedRevision() >= 150 + 8 * 40, "applied revision " + view.appliedRevision());
            }
        }
    }

    private static LabelSet bigSet(int batch, int i) {
        String pad = "x".repeat(50);
        return LabelSet.parse(List.of("k8s:app=" + pad + "-" + batch + "-" + i, "k8s:tier=" + pad,
                "k8s:io.kubernetes.pod.namespace=view"));
    }

    @Test
    void startsFromATableTooLargeForOneWatchMessage() throws Exception {
        // 30,000 identities with long labels: about 6 MB of snapshot, above gRPC's 4 MiB message limit. As one
        // message the watch failed with RESOURCE_EXHAUSTED on every attempt and no lookup was ever answered;
        // it now comes in 1 MiB parts.
        try (LoopbackCluster cluster = new LoopbackCluster(3, dir, 5, c -> c)) {
            cluster.awaitLeader(Duration.ofSeconds(15));
            try (IdentityClient writer = IdentityClient.connect(cluster.addresses());
                 IdentityClient reader = IdentityClient.connect(cluster.addresses())) {
                List<Integer> ids = new ArrayList<>();
                for (int batch = 0; batch < 30; batch++) {
                    List<LabelSet> sets = new ArrayList<>();
                    for (int i = 0; i < 1_000; i++) {
                        sets.add(bigSet(batch, i));
                    }
                    writer.allocate("node-big", sets).getAllocationsList().forEach(a -> ids.add(a.getId()));
                }
                try (IdentityView view = IdentityView.open(reader)) {
                    for (int batch = 0; batch < 30; batch++) {
                        for (int i : new int[] {0, 499, 999}) {
                            assertEquals(OptionalInt.of(ids.get(batch * 1_000 + i)), view.idOf(bigSet(batch, i)), "set " + batch + "-" + i);
                        }
                    }
                    assertEquals(Optional.of(bigSet(29, 999)), view.labelsOf(ids.getLast()));
                }
                IdentityView closed = IdentityView.open(reader);
                closed.close();
                // A lookup on a closed view fails at once; it used to leave every later lookup waiting for good.
                for (int i = 0; i < 2; i++) {
                    assertTimeoutPreemptively(Duration.ofSeconds(10),
                            () -> assertThrows(StatusRuntimeException.class, () -> closed.idOf(bigSet(0, 0))));
                }
            }
        }
    }

    @Test
    void keepsAnsweringLinearizablyAfterTheReplicaItWatchesStops() throws Exception {
        try (LoopbackCluster cluster = new LoopbackCluster(3, dir, 4, c -> c)) {
            int leader = cluster.awaitLeader(Duration.ofSeconds(15));
            int follower = (leader + 1) % 3;
            List<String> followerFirst = new ArrayList<>(cluster.addresses());
            Collections.rotate(followerFirst, -follower);
            try (IdentityClient writer = IdentityClient.connect(cluster.addresses());
                 IdentityClient reader = IdentityClient.connect(followerFirst);
                 IdentityView view = IdentityView.open(reader)) {
                int before = writer.allocate("node-w", List.of(set("before"))).getAllocations(0).getId();
                assertEquals(OptionalInt.of(before), view.idOf(set("before")));
                cluster.stop(follower);
                for (int i = 0; i < 20; i++) {
                    int id = writer.allocate("node-w", List.of(set("after-" + i))).getAllocations(0).getId();
                    assertEquals(OptionalInt.of(id), view.idOf(set("after-" + i)), "after-" + i + " with the watched replica down");
                }
                assertEquals(Optional.of(set("before")), view.labelsOf(before));
            }
        }
    }
}
