package dev.bulwark.policy.distribution.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bulwark.policy.distribution.pipeline.ObjectStore;
import java.nio.file.Files;
import java.nio.file.Path;
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
