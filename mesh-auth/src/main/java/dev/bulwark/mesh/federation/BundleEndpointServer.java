package dev.bulwark.mesh.federation;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import dev.bulwark.mesh.bundle.Jwks;
import dev.bulwark.mesh.bundle.TrustBundle;
import dev.bulwark.mesh.tls.SvidKeyManager;
import dev.bulwark.mesh.tls.SvidSource;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.function.Supplier;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;

/**
 * A SPIFFE bundle endpoint: answers {@code GET /} with the current bundle of this trust domain as
 * JWKS ({@code application/json}, UTF-8). No client authentication (federation §5). Two profiles:
 * {@link #httpsWeb} presents a Web PKI server certificate; {@link #httpsSpiffe} presents an X.509-SVID
 * of this trust domain, read from its source on every handshake so it rotates without a restart.
 *
 * <p>Thread model: the JDK server's single dispatcher thread runs every exchange; the bundle is an
 * immutable snapshot read from {@code bundle} per request.
 */
public final class BundleEndpointServer implements AutoCloseable {

    /** The bundle is the endpoint's only resource (as SPIRE serves it). */
    static final String PATH = "/";

    private final HttpsServer server;
    private final EndpointProfile profile;

    private BundleEndpointServer(InetSocketAddress bind, SSLContext tls, EndpointProfile profile,
                                 Supplier<TrustBundle> bundle) {
        this.profile = profile;
        try {
            server = HttpsServer.create(bind, 16);
        } catch (IOException e) {
            throw new UncheckedIOException("bundle endpoint cannot listen on " + bind, e);
        }
        server.setHttpsConfigurator(new HttpsConfigurator(tls) {
            @Override
            public void configure(HttpsParameters params) {
                params.setSSLParameters(EndpointTls.parameters(tls));
            }
        });
        server.createContext(PATH, exchange -> serve(exchange, bundle));
        server.start();
    }

    /** https_web: presents {@code chain} (leaf first; it must carry a DNS or IP SAN clients connect to). */
    public static BundleEndpointServer httpsWeb(InetSocketAddress bind, PrivateKey key, List<X509Certificate> chain,
                                                Supplier<TrustBundle> bundle) {
        if (chain.isEmpty()) {
            throw new IllegalArgumentException("https_web: the server certificate chain is empty");
        }
        return new BundleEndpointServer(bind, EndpointTls.context(EndpointTls.keyManagers(key, chain), null),
                EndpointProfile.HTTPS_WEB, bundle);
    }

    /** https_spiffe: presents the SVID {@code svid} returns (an ID of the served trust domain). */
    public static BundleEndpointServer httpsSpiffe(InetSocketAddress bind, SvidSource svid, Supplier<TrustBundle> bundle) {
        return new BundleEndpointServer(bind, EndpointTls.context(new KeyManager[] {new SvidKeyManager(svid)}, null),
                EndpointProfile.HTTPS_SPIFFE, bundle);
    }

    private static void serve(HttpExchange exchange, Supplier<TrustBundle> bundle) throws IOException {
        try (exchange) {
            if (!exchange.getRequestURI().getPath().equals(PATH)) {
                reply(exchange, 404, "text/plain", "not found: the bundle is served at " + PATH + "\n");
            } else if (!exchange.getRequestMethod().equals("GET")) {
                exchange.getResponseHeaders().add("Allow", "GET");
                reply(exchange, 405, "text/plain", "only GET is supported\n");
            } else {
                reply(exchange, 200, "application/json", Jwks.write(bundle.get()));
            }
        }
    }

    private static void reply(HttpExchange exchange, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", type + "; charset=utf-8");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    public EndpointProfile profile() {
        return profile;
    }

    public InetSocketAddress address() {
        return server.getAddress();
    }

    /** {@code https://<host>:<port>/} for {@code host} (the name or address its certificate carries). */
    public java.net.URI url(String host) {
        return java.net.URI.create("https://" + host + ":" + server.getAddress().getPort() + PATH);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
