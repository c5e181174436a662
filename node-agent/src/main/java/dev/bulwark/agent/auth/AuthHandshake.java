package dev.bulwark.agent.auth;

import dev.bulwark.agent.datapath.AuthKey;
import dev.bulwark.agent.datapath.AuthMap;
import dev.bulwark.mesh.bundle.BundleSource;
import dev.bulwark.mesh.ca.SvidRules;
import dev.bulwark.mesh.spiffe.SpiffeId;
import dev.bulwark.mesh.tls.PeerCheck;
import dev.bulwark.mesh.tls.PeerValidation;
import dev.bulwark.mesh.tls.SpiffeTrustManager;
import dev.bulwark.mesh.tls.SvidKeyManager;
import dev.bulwark.mesh.tls.SvidSource;
import dev.bulwark.mesh.tls.SvidValidator;
import dev.bulwark.mesh.tls.X509Svid;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;

/**
 * The agents' endpoint-auth handshake: for a pair (local identity L here, remote identity R on a peer
 * node) this agent connects to the peer agent and runs mutual TLS 1.3 (JSSE), presenting L's SVID and
 * asking, by server name {@code <R>.<td of R>} (as Cilium), for R's. Each side validates the other's
 * chain against the bundle of the presented trust domain (federated bundles included, so clusters
 * authenticate across trust domains) and the ID against what it expects: the client exactly
 * {@code spiffe://<td of R>/identity/R}, the server an identity SVID whose trust domain is the one that
 * vouches for that identity ({@link TrustDomains}). TLS 1.3 finishes the client's side before the server
 * has judged the client's certificate, so the server then answers one line ({@code OK}); only after it
 * does the client count the handshake as done. Both sides write the auth map entry with the earlier
 * notAfter of the two chains; the server only for pairs its own {@link AuthDemand} expects, so
 * authenticated peers cannot fill its map with pairs no policy here uses. A refusal removes a held entry.
 *
 * <p>Threads: the listener accepts on one virtual thread and serves each connection on its own (at most
 * {@value #MAX_CONCURRENT} at once, each bounded by {@code timeout} per read);
 * {@link #authenticate} blocks its caller (at most {@code timeout} per step). Thread-safe.
 */
public final class AuthHandshake implements AutoCloseable {

    private static final String OK = "OK";
    /** Connections served at once; more are closed at accept, so a flood cannot exhaust the agent. */
    static final int MAX_CONCURRENT = 256;

    private final TrustDomains trustDomains;
    private final IdentitySvids svids;
    private final BundleSource bundles;
    private final AuthMap auth;
    private final Supplier<AuthDemand> demand;
    private final SvidValidator validator;
    private final Duration timeout;
    private final ExecutorService connections = Executors.newVirtualThreadPerTaskExecutor();
    private final java.util.concurrent.Semaphore serving = new java.util.concurrent.Semaphore(MAX_CONCURRENT);
    private volatile SSLServerSocket server;

    public AuthHandshake(TrustDomains trustDomains, IdentitySvids svids, BundleSource bundles, AuthMap auth,
                         Supplier<AuthDemand> demand, InstantSource clock, Duration timeout) {
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout: must be > 0, got " + timeout);
        }
        this.trustDomains = trustDomains;
        this.svids = svids;
        this.bundles = bundles;
        this.auth = auth;
        this.demand = demand;
        this.validator = new SvidValidator(clock);
        this.timeout = timeout;
    }

    /** Starts answering handshakes on {@code bind}; returns the bound address (port 0 picks one). */
    public synchronized InetSocketAddress listen(InetSocketAddress bind) throws IOException {
        if (server != null) {
            throw new IllegalStateException("already listening on " + server.getLocalSocketAddress());
        }
        SvidKeyManager keys = new SvidKeyManager(null, name -> trustDomains.identityOfServerName(name)
                .flatMap(svids::svid).<SvidSource>map(s -> () -> s).orElse(null));
        SpiffeTrustManager trust = new SpiffeTrustManager(bundles, validator, peer -> trustDomains.resolve(peer).refusal());
        SSLServerSocket s = (SSLServerSocket) context(keys, trust).getServerSocketFactory()
                .createServerSocket(bind.getPort(), 128, bind.getAddress());
        s.setEnabledProtocols(new String[] {"TLSv1.3"});
        s.setNeedClientAuth(true);
        server = s;
        Thread.ofVirtual().name("auth-accept").start(() -> accept(s, trust));
        return (InetSocketAddress) s.getLocalSocketAddress();
    }

    private void accept(SSLServerSocket s, SpiffeTrustManager trust) {
        while (!s.isClosed()) {
            try {
                Socket c = s.accept();
                if (!serving.tryAcquire()) {
                    c.close();
                    continue;
                }
                try {
                    connections.execute(() -> {
                        try {
                            serve((SSLSocket) c, trust);
                        } finally {
                            serving.release();
                        }
                    });
                } catch (java.util.concurrent.RejectedExecutionException closing) {
                    serving.release();
                    c.close();
                    return;
                }
            } catch (IOException e) {
                if (s.isClosed()) {
                    return;
                }
            }
        }
    }

    /** The server side of one handshake; failures only close the connection (the client sees why). */
    private void serve(SSLSocket c, SpiffeTrustManager trust) {
        try (c) {
            c.setSoTimeout((int) timeout.toMillis());
            c.startHandshake();
            PeerValidation.Valid peer = trust.check(chain(c.getSession().getPeerCertificates()));
            X509Certificate[] local = chain(c.getSession().getLocalCertificates());
            int remote = trustDomains.resolve(peer.id()).identity();
            int self = trustDomains.resolve(SvidRules.spiffeId(local[0]).orElseThrow()).identity();
            if (demand.get().expects(self, remote)) {
                auth.put(AuthKey.spiffe(self, remote), earlier(peer.notAfter(), local));
            }
            OutputStream out = c.getOutputStream();
            out.write((OK + "\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
        } catch (IOException | CertificateException | RuntimeException e) {
            // Refused or broken: closing is the answer (the client reads an alert or end of stream).
        }
    }

    /**
     * Authenticates (local, remote) with the agent at {@code peer}: on success the entry is in the auth
     * map; on refusal any held entry for the pair is removed; when unreachable nothing changes.
     */
    public AuthOutcome authenticate(int local, int remote, InetSocketAddress peer) {
        AuthKey key = AuthKey.spiffe(local, remote);
        Optional<X509Svid> mine;
        try {
            mine = svids.svid(local);
        } catch (RuntimeException e) { // the CA refused or could not be reached: nothing to present
            return new AuthOutcome.Refused("no SVID for identity " + Integer.toUnsignedString(local) + ": " + e.getMessage());
        }
        if (mine.isEmpty()) {
            return new AuthOutcome.Refused("this agent holds no SVID for identity " + Integer.toUnsignedString(local));
        }
        SpiffeId expected = trustDomains.spiffeId(remote);
        SpiffeTrustManager trust = new SpiffeTrustManager(bundles, validator, PeerCheck.exactly(expected));
        X509Svid svid = mine.get();
        SSLContext ctx = context(new SvidKeyManager(() -> svid), trust);
        boolean connected = false;
        try (Socket plain = new Socket()) {
            plain.connect(peer.isUnresolved() ? new InetSocketAddress(peer.getHostString(), peer.getPort()) : peer,
                    (int) timeout.toMillis());
            connected = true;
            try (SSLSocket c = (SSLSocket) ctx.getSocketFactory().createSocket(plain, peer.getHostString(), peer.getPort(), false)) {
                SSLParameters p = c.getSSLParameters();
                p.setProtocols(new String[] {"TLSv1.3"});
                p.setServerNames(List.of(new SNIHostName(trustDomains.serverName(remote))));
                c.setSSLParameters(p);
                c.setSoTimeout((int) timeout.toMillis());
                c.startHandshake();
                String answer = new BufferedReader(new InputStreamReader(c.getInputStream(), StandardCharsets.US_ASCII)).readLine();
                if (!OK.equals(answer)) {
                    return refused(key, "peer agent at " + peer + " refused " + svid.id() + " (connection closed after the handshake)");
                }
                PeerValidation.Valid v = trust.check(chain(c.getSession().getPeerCertificates()));
                Instant expiry = earlier(v.notAfter(), svid.chain().toArray(X509Certificate[]::new));
                auth.put(key, expiry);
                return new AuthOutcome.Authenticated(key, expiry);
            }
        } catch (SSLException | CertificateException e) {
            return refused(key, "handshake with " + peer + " for " + key + " refused: " + e.getMessage());
        } catch (java.net.SocketTimeoutException e) {
            return new AuthOutcome.Unreachable("peer agent at " + peer + " did not answer within " + timeout);
        } catch (IOException e) {
            if (!connected) {
                return new AuthOutcome.Unreachable("peer agent at " + peer + ": " + e);
            }
            // A server that refuses our certificate may close before its alert is read (reset, broken pipe):
            // after the connection was made, treat a broken handshake as a refusal (fail closed).
            return refused(key, "handshake with " + peer + " for " + key + " broken off: " + e);
        }
    }

    private AuthOutcome refused(AuthKey key, String reason) {
        auth.remove(key);
        return new AuthOutcome.Refused(reason);
    }

    private static Instant earlier(Instant peerNotAfter, X509Certificate[] local) {
        return Arrays.stream(local).map(c -> c.getNotAfter().toInstant()).reduce(peerNotAfter, (a, b) -> a.isBefore(b) ? a : b);
    }

    private static X509Certificate[] chain(Certificate[] certs) throws CertificateException {
        if (certs == null || certs.length == 0) {
            throw new CertificateException("no certificate");
        }
        return Arrays.stream(certs).map(c -> (X509Certificate) c).toArray(X509Certificate[]::new);
    }

    /** A fresh TLS 1.3 context: no session is shared between handshakes, so none is ever resumed. */
    private static SSLContext context(KeyManager keys, TrustManager trust) {
        try {
            SSLContext ctx = SSLContext.getInstance("TLSv1.3");
            ctx.init(new KeyManager[] {keys}, new TrustManager[] {trust}, null);
            return ctx;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("TLS 1.3 is not available", e);
        }
    }

    /** The listener's address, if listening. */
    public Optional<InetSocketAddress> address() {
        SSLServerSocket s = server;
        return s == null ? Optional.empty() : Optional.of((InetSocketAddress) s.getLocalSocketAddress());
    }

    @Override
    public synchronized void close() {
        if (server != null) {
            try {
                server.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
        connections.shutdownNow();
    }
}
