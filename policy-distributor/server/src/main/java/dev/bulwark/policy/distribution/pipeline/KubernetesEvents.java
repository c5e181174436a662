package dev.bulwark.policy.distribution.pipeline;

import dev.bulwark.policy.distribution.source.KubeObject;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Instant;
import java.time.InstantSource;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reports a rejected object as a Kubernetes Warning Event on it ({@code kubectl describe} and
 * {@code kubectl get events} show it), reason {@code BulwarkRejected}. Events are written on a thread of
 * their own so a slow API server never stalls the pipeline; a failure to write one is logged, not retried.
 */
public final class KubernetesEvents implements ProblemReporter, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(KubernetesEvents.class);
    public static final String REASON = "BulwarkRejected";

    private final KubernetesClient client;
    private final InstantSource clock;
    private final String component;
    private final ExecutorService writer = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "kubernetes-events");
        t.setDaemon(true);
        return t;
    });

    public KubernetesEvents(KubernetesClient client, InstantSource clock, String component) {
        this.client = client;
        this.clock = clock;
        this.component = component;
    }

    @Override
    public void report(KubeObject.Key object, String problem) {
        String namespace = object.namespace().isEmpty() ? "default" : object.namespace();
        String now = Instant.ofEpochMilli(clock.millis()).toString();
        var event = new EventBuilder().withNewMetadata().withGenerateName(object.name() + ".").withNamespace(namespace)
                .endMetadata()
                .withNewInvolvedObject().withApiVersion(object.kind().apiVersion).withKind(object.kind().kind)
                .withName(object.name()).withNamespace(object.namespace().isEmpty() ? null : object.namespace())
                .endInvolvedObject()
                .withType("Warning").withReason(REASON).withMessage(truncate(problem))
                .withNewSource().withComponent(component).endSource()
                .withFirstTimestamp(now).withLastTimestamp(now).withCount(1).build();
        writer.execute(() -> {
            try {
                client.v1().events().inNamespace(namespace).resource(event).create();
            } catch (KubernetesClientException e) {
                LOG.warn("could not record an event on {}: {}", object, e.getMessage());
            }
        });
    }

    private static String truncate(String message) {
        return message.length() <= 1024 ? message : message.substring(0, 1021) + "...";
    }

    @Override
    public void close() {
        writer.shutdown();
    }
}
