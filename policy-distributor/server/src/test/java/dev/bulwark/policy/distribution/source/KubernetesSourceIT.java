package dev.bulwark.policy.distribution.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bulwark.policy.distribution.pipeline.ObjectStore;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Informers against the embedded development API server, driven by the fabric8 client and by kubectl. */
class KubernetesSourceIT {

    private DevelopmentApiServer server;
    private KubernetesClient client;

    @TempDir
    Path tmp;

    @BeforeEach
    void start() throws Exception {
        server = DevelopmentApiServer.start(0);
        client = server.client();
    }

    @AfterEach
    void stop() {
        client.close();
        server.close();
    }

    @Test
    void informersSeeAddsUpdatesDeletesAndARestartDropsWhatWasDeletedMeanwhile() throws Exception {
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("shop").endMetadata().build()).create();
        client.pods().inNamespace("shop").resource(new PodBuilder().withNewMetadata().withName("web").addToLabels("app", "web")
                .endMetadata().withNewSpec().withNodeName("n1").endSpec().build()).create();
        ObjectStore store = new ObjectStore(() -> { });
        KubernetesSource source = new KubernetesSource(client, store, Duration.ZERO);
        source.start(Duration.ofSeconds(20));
        assertEquals(1, store.all(ObjectKind.POD).size());
        client.network().v1().networkPolicies().inNamespace("shop").resource(new NetworkPolicyBuilder().withNewMetadata()
                .withName("deny").endMetadata().withNewSpec().withNewPodSelector().endPodSelector().endSpec().build()).create();
        client.genericKubernetesResources(KubernetesSource.context(ObjectKind.CILIUM_NETWORK_POLICY)).inNamespace("shop")
                .resource(cnp("l4", "web")).create();
        await(() -> store.all(ObjectKind.NETWORK_POLICY).size() == 1 && store.all(ObjectKind.CILIUM_NETWORK_POLICY).size() == 1);
        client.pods().inNamespace("shop").withName("web").edit(p -> new PodBuilder(p).editMetadata()
                .addToLabels("app", "web2").endMetadata().build());
        await(() -> store.all(ObjectKind.POD).getFirst().labels().get("app").equals("web2"));
        client.network().v1().networkPolicies().inNamespace("shop").withName("deny").delete();
        await(() -> store.all(ObjectKind.NETWORK_POLICY).isEmpty());
        source.close();

        // Deleted while the distributor was down; the restart's initial list must drop it.
        client.pods().inNamespace("shop").withName("web").delete();
        await(() -> client.pods().inNamespace("shop").list().getItems().isEmpty());
        long changes = store.changes();
        KubernetesSource restarted = new KubernetesSource(client, store, Duration.ZERO);
        restarted.start(Duration.ofSeconds(20));
        await(() -> store.all(ObjectKind.POD).isEmpty());
        assertEquals(1, store.all(ObjectKind.CILIUM_NETWORK_POLICY).size(), "unchanged objects survive the restart");
        assertEquals(changes + 1, store.changes(), "the relist changed only the deleted pod");
        restarted.close();
    }

    @Test
    void kubectlWorksAgainstTheDevelopmentServer() throws Exception {
        Path kubectl = Path.of("/usr/bin/kubectl");
        Assumptions.assumeTrue(Files.isExecutable(kubectl), "kubectl is not installed at /usr/bin/kubectl");
        ObjectStore store = new ObjectStore(() -> { });
        KubernetesSource source = new KubernetesSource(client, store, Duration.ZERO);
        source.start(Duration.ofSeconds(20));
        Path kubeconfig = server.writeKubeconfig(tmp.resolve("kubeconfig"));
        Path manifest = tmp.resolve("cnp.yaml");
        Files.writeString(manifest, """
                apiVersion: cilium.io/v2
                kind: CiliumNetworkPolicy
                metadata: {name: l4, namespace: default}
                spec:
                  endpointSelector: {matchLabels: {app: db}}
                  ingress: [{fromEndpoints: [{matchLabels: {app: backend}}], toPorts: [{ports: [{port: "5432", protocol: TCP}]}]}]
                """);
        run(kubeconfig, "apply", "--validate=false", "-f", manifest.toString());
        await(() -> store.all(ObjectKind.CILIUM_NETWORK_POLICY).size() == 1);
        String listed = run(kubeconfig, "get", "cnp", "-A");
        assertTrue(listed.contains("l4"), listed);
        run(kubeconfig, "delete", "-f", manifest.toString());
        await(() -> store.all(ObjectKind.CILIUM_NETWORK_POLICY).isEmpty());
        source.close();
    }

    private static String run(Path kubeconfig, String... args) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of("/usr/bin/kubectl", "--kubeconfig", kubeconfig.toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), String.join(" ", cmd) + ":\n" + out);
        return out;
    }

    private static GenericKubernetesResource cnp(String name, String app) {
        GenericKubernetesResource r = new GenericKubernetesResource();
        r.setApiVersion("cilium.io/v2");
        r.setKind("CiliumNetworkPolicy");
        r.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder().withName(name).build());
        r.setAdditionalProperty("spec", Map.of("endpointSelector", Map.of("matchLabels", Map.of("app", app))));
        return r;
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
