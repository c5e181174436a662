package dev.bulwark.policy.distribution.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.bulwark.policy.distribution.source.KubeObject;
import dev.bulwark.policy.distribution.source.ManifestParser;
import dev.bulwark.policy.distribution.source.ObjectKind;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ObjectStoreTest {

    private static KubeObject pod(String name, String app, String resourceVersion) {
        return ManifestParser.parse("""
                apiVersion: v1
                kind: Pod
                metadata: {name: %s, namespace: shop, resourceVersion: "%s", labels: {app: %s}}
                spec: {nodeName: n1}
                """.formatted(name, resourceVersion, app)).getFirst();
    }

    @Test
    void aRelistThatChangesNothingWakesNobodyAndDeletionsWhileAwayAreApplied() {
        AtomicInteger wakeups = new AtomicInteger();
        ObjectStore store = new ObjectStore(wakeups::incrementAndGet);
        store.replaceAll(ObjectKind.POD, List.of(pod("a", "web", "1"), pod("b", "db", "2")));
        assertEquals(1, wakeups.get());
        // Same content, new resourceVersions (a relist after 410): no change.
        store.replaceAll(ObjectKind.POD, List.of(pod("a", "web", "7"), pod("b", "db", "8")));
        store.upsert(pod("a", "web", "9"));
        assertEquals(1, wakeups.get());
        // b was deleted while the watch was down: the relist drops it; other kinds are untouched.
        store.upsert(ManifestParser.parse("apiVersion: v1\nkind: Namespace\nmetadata: {name: shop}\n").getFirst());
        store.replaceAll(ObjectKind.POD, List.of(pod("a", "web", "10")));
        assertEquals(3, wakeups.get());
        assertEquals(List.of("a"), store.all(ObjectKind.POD).stream().map(KubeObject::name).toList());
        assertEquals(1, store.all(ObjectKind.NAMESPACE).size());
        store.delete(new KubeObject.Key(ObjectKind.POD, "shop", "missing"));
        assertEquals(3, wakeups.get(), "deleting what is absent changes nothing");
    }
}
