package dev.bulwark.policy.distribution.source;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.CustomResourceDefinitionContext;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;

/**
 * A DEVELOPMENT API server: fabric8's in-memory CRUD mock (kubernetes-server-mock) with API discovery
 * added, so informers and {@code kubectl --validate=false} work against {@code bulwark up} without a
 * cluster. It is not Kubernetes: no admission, no validation, no authentication, resourceVersion ignored
 * on watch, label selectors limited to =, !=, exists. Plain HTTP on loopback only.
 */
public final class DevelopmentApiServer implements AutoCloseable {

    /** Held so the level sticks: the mock logs every request at INFO through java.util.logging. */
    private static final java.util.logging.Logger MOCK_LOG = java.util.logging.Logger.getLogger("io.fabric8.mockwebserver");

    private final KubernetesMockServer server;
    private final String host;

    private DevelopmentApiServer(KubernetesMockServer server, String host) {
        this.server = server;
        this.host = host;
    }

    /** Starts on 127.0.0.1:{@code port} (0 = any free port). */
    public static DevelopmentApiServer start(int port) throws IOException {
        MOCK_LOG.setLevel(java.util.logging.Level.WARNING);
        List<CustomResourceDefinitionContext> crds = List.of(
                crd(ObjectKind.CILIUM_NETWORK_POLICY), crd(ObjectKind.CILIUM_CLUSTERWIDE_NETWORK_POLICY));
        KubernetesMockServer server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
                new DiscoveryDispatcher(crds), false);
        InetAddress loopback = InetAddress.getByName("127.0.0.1");
        server.init(loopback, port);
        return new DevelopmentApiServer(server, "127.0.0.1");
    }

    private static CustomResourceDefinitionContext crd(ObjectKind kind) {
        return new CustomResourceDefinitionContext.Builder().withGroup(kind.group()).withVersion(kind.version())
                .withKind(kind.kind).withPlural(kind.plural).withName(kind.plural + "." + kind.group())
                .withScope(kind.namespaced ? "Namespaced" : "Cluster").build();
    }

    public int port() {
        return server.getPort();
    }

    public String url() {
        return "http://" + host + ":" + port();
    }

    /** A client for this server. */
    public KubernetesClient client() {
        return server.createClient();
    }

    /** Writes a kubeconfig for kubectl ({@code KUBECONFIG=path kubectl --validate=false ...}). */
    public Path writeKubeconfig(Path file) throws IOException {
        String yaml = """
                apiVersion: v1
                kind: Config
                clusters:
                - name: bulwark-development
                  cluster:
                    server: %s
                contexts:
                - name: bulwark-development
                  context:
                    cluster: bulwark-development
                    user: developer
                    namespace: default
                current-context: bulwark-development
                users:
                - name: developer
                  user: {}
                """.formatted(url());
        Files.writeString(file, yaml);
        return file;
    }

    @Override
    public void close() {
        try {
            server.destroy();
        } catch (IllegalStateException e) {
            // The mock server gives up waiting for open watch connections to drain ("Unable to close
            // MockWebServer") on a busy machine; its listener is closed by then, so stopping goes on.
            MOCK_LOG.warning("development API server: " + e.getMessage() + " (connections still draining; stopped anyway)");
        }
    }
}
