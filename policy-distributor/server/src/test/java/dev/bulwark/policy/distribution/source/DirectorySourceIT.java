package dev.bulwark.policy.distribution.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bulwark.policy.distribution.pipeline.ObjectStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Collection;
import java.util.concurrent.atomic.AtomicBoolean;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DirectorySourceIT {

    @TempDir
    Path dir;

    @Test
    void addedEditedBrokenAndDeletedFilesConverge() throws Exception {
        Files.writeString(dir.resolve("ns.yaml"), "apiVersion: v1\nkind: Namespace\nmetadata: {name: shop}\n");
        ObjectStore store = new ObjectStore(() -> { });
        try (DirectorySource source = new DirectorySource(dir, store, Duration.ofMillis(50))) {
            source.start();
            assertEquals(1, store.all(ObjectKind.NAMESPACE).size());
            Files.createDirectories(dir.resolve("scenarios"));
            Files.writeString(dir.resolve("scenarios/not-a-manifest.yaml"), "probes: []\n");
            Files.writeString(dir.resolve("np.yaml"), """
                    apiVersion: networking.k8s.io/v1
                    kind: NetworkPolicy
                    metadata: {name: deny, namespace: shop}
                    spec: {podSelector: {}}
                    """);
            await(() -> store.all(ObjectKind.NETWORK_POLICY).size() == 1);
            long changes = store.changes();
            // A broken edit changes nothing and is reported.
            Files.writeString(dir.resolve("np.yaml"), "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {}\n");
            await(() -> !store.rejections().isEmpty());
            assertTrue(store.rejections().getFirst().problem().contains("metadata.name"), store.rejections().toString());
            assertEquals(changes, store.changes());
            assertEquals(1, store.all(ObjectKind.NETWORK_POLICY).size());
            Files.delete(dir.resolve("np.yaml"));
            await(() -> store.all(ObjectKind.NETWORK_POLICY).isEmpty());
            assertEquals(1, store.all(ObjectKind.NAMESPACE).size());
            assertTrue(store.rejections().stream().noneMatch(r -> r.where().contains("scenarios")), "subfolders are not read");
        }
    }

    /**
     * A file written while the first scan runs (after it listed the folder) is picked up. The watch used
     * to be registered after the first scan, so such a change was seen only with the next one: a restarted
     * chaos distributor whose first scan overlapped the last input changes kept a stale state for good.
     */
    @Test
    void aChangeMadeDuringTheFirstScanIsNotLost() throws Exception {
        Files.writeString(dir.resolve("ns.yaml"), "apiVersion: v1\nkind: Namespace\nmetadata: {name: shop}\n");
        ObjectStore store = new ObjectStore(() -> { });
        AtomicBoolean written = new AtomicBoolean();
        ObjectSink sink = new ObjectSink() {
            @Override
            public void upsert(KubeObject object) {
                store.upsert(object);
            }

            @Override
            public void delete(KubeObject.Key key) {
                store.delete(key);
            }

            @Override
            public void replaceAll(ObjectKind kind, Collection<KubeObject> objects) {
                if (written.compareAndSet(false, true)) {
                    try { // the scan has read the folder; this change comes after it
                        Files.writeString(dir.resolve(".np.tmp"), """
                                apiVersion: networking.k8s.io/v1
                                kind: NetworkPolicy
                                metadata: {name: deny, namespace: shop}
                                spec: {podSelector: {}}
                                """);
                        Files.move(dir.resolve(".np.tmp"), dir.resolve("np.yaml"), StandardCopyOption.ATOMIC_MOVE);
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }
                store.replaceAll(kind, objects);
            }
        };
        try (DirectorySource source = new DirectorySource(dir, sink, Duration.ofMillis(50))) {
            source.start();
            assertTrue(written.get());
            await(() -> store.all(ObjectKind.NETWORK_POLICY).size() == 1);
        }
    }

    private static void await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out");
            }
            Thread.sleep(20);
        }
    }
}
