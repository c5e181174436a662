package dev.bulwark.policy.distribution.source;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * fabric8 informers for every {@link ObjectKind}, all as {@link GenericKubernetesResource} so one
 * conversion serves built-in kinds and the cilium.io CRDs alike.
 *
 * <p>Relists and restarts: fabric8's reflector relists after a 410 and turns the difference into
 * add/update/delete events; on (re)start, once an informer has synced, the sink gets
 * {@link ObjectSink#replaceAll} with the informer's store, so objects deleted while the distributor was
 * down disappear and re-announced unchanged objects are no-ops (equality by content). Events arrive on
 * fabric8's informer threads; the sink serializes.
 */
public final class KubernetesSource implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(KubernetesSource.class);

    private final KubernetesClient client;
    private final ObjectSink sink;
    private final Duration resync;
    private final List<SharedIndexInformer<GenericKubernetesResource>> informers = new ArrayList<>();

    public KubernetesSource(KubernetesClient client, ObjectSink sink, Duration resync) {
        this.client = client;
        this.sink = sink;
        this.resync = resync;
    }

    public static ResourceDefinitionContext context(ObjectKind kind) {
        return new ResourceDefinitionContext.Builder().withGroup(kind.group()).withVersion(kind.version())
                .withKind(kind.kind).withPlural(kind.plural).withNamespaced(kind.namespaced).build();
    }

    /** Starts every informer and waits (up to {@code timeout}) until each has listed once. */
    public void start(Duration timeout) throws Exception {
        List<CompletableFuture<Void>> synced = new ArrayList<>();
        for (ObjectKind kind : ObjectKind.values()) {
            var op = client.genericKubernetesResources(context(kind));
            SharedIndexInformer<GenericKubernetesResource> informer = kind.namespaced
                    ? op.inAnyNamespace().runnableInformer(resync.toMillis())
                    : op.runnableInformer(resync.toMillis());
            informer.addEventHandler(new Handler(kind));
            informers.add(informer);
            synced.add(informer.start().toCompletableFuture().thenRun(() -> {
                List<KubeObject> all = new ArrayList<>();
                informer.getStore().list().forEach(r -> convert(kind, r).ifPresent(all::add));
                sink.replaceAll(kind, all);
            }));
        }
        CompletableFuture.allOf(synced.toArray(CompletableFuture[]::new)).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** True while every informer is watching. */
    public boolean watching() {
        return !informers.isEmpty() && informers.stream().allMatch(SharedIndexInformer::isWatching);
    }

    private Optional<KubeObject> convert(ObjectKind kind, GenericKubernetesResource resource) {
        try {
            Map<?, ?> tree = client.getKubernetesSerialization().convertValue(resource, Map.class);
            return Optional.of(JsonTrees.toObject(tree));
        } catch (IllegalArgumentException e) {
            String where = kind.kind + " " + Optional.ofNullable(resource.getMetadata().getNamespace()).map(n -> n + "/").orElse("")
                    + resource.getMetadata().getName();
            LOG.warn("{}: {}", where, e.getMessage());
            sink.rejected(where, e.getMessage());
            return Optional.empty();
        }
    }

    private final class Handler implements ResourceEventHandler<GenericKubernetesResource> {
        private final ObjectKind kind;

        Handler(ObjectKind kind) {
            this.kind = kind;
        }

        @Override
        public void onAdd(GenericKubernetesResource obj) {
            convert(kind, obj).ifPresent(sink::upsert);
        }

        @Override
        public void onUpdate(GenericKubernetesResource oldObj, GenericKubernetesResource newObj) {
            convert(kind, newObj).ifPresent(sink::upsert);
        }

        @Override
        public void onDelete(GenericKubernetesResource obj, boolean deletedFinalStateUnknown) {
            String ns = obj.getMetadata().getNamespace();
            sink.delete(new KubeObject.Key(kind, ns == null ? "" : ns, obj.getMetadata().getName()));
        }
    }

    @Override
    public void close() {
        informers.forEach(SharedIndexInformer::stop);
        informers.clear();
    }
}
