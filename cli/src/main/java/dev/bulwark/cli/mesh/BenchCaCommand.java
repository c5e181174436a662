package dev.bulwark.cli.mesh;

import com.google.protobuf.ByteString;
import dev.bulwark.cli.ExitCode;
import dev.bulwark.cli.Json;
import dev.bulwark.cli.OutputOptions;
import dev.bulwark.cli.Table;
import dev.bulwark.mesh.bundle.BundleSet;
import dev.bulwark.mesh.ca.AllowListAuthorizer;
import dev.bulwark.mesh.ca.AuthorityStore;
import dev.bulwark.mesh.ca.CaSettings;
import dev.bulwark.mesh.ca.CertificateAuthority;
import dev.bulwark.mesh.ca.IssuedSvid;
import dev.bulwark.mesh.ca.KeyAlgorithm;
import dev.bulwark.mesh.ca.bouncycastle.BouncyCastleCertificateSigner;
import dev.bulwark.mesh.grpc.MeshCaClient;
import dev.bulwark.mesh.server.MeshCaConfig;
import dev.bulwark.mesh.server.MeshCaServer;
import dev.bulwark.mesh.spiffe.SpiffeId;
import dev.bulwark.mesh.spiffe.TrustDomain;
import dev.bulwark.mesh.tls.MeshTls;
import dev.bulwark.mesh.tls.PeerCheck;
import dev.bulwark.mesh.tls.X509Svid;
import dev.bulwark.model.NumericIdentity;
import dev.bulwark.proto.meshca.v1.MeshCAGrpc;
import dev.bulwark.proto.meshca.v1.SignSvidRequest;
import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code bulwark bench ca}: SVID issuance in-process and over gRPC (MeshCA on loopback mTLS) against
 * the baseline of raw ECDSA P-256 signatures in the same JVM and run, and TLS 1.3 handshakes between
 * two SVID holders over loopback. Each figure is operations per second over {@code --seconds} after
 * {@code --warmup}, with {@code --threads} callers.
 */
@Command(name = "ca", description = {
        "SVIDs issued per second in-process and over gRPC (MeshCA on loopback mTLS) as a ratio of raw ECDSA",
        "P-256 signatures per second measured in the same run (target >= 50 %), and TLS 1.3 handshakes per second",
        "between two peers presenting SVIDs (JSSE, loopback, full handshakes with client certificates)."})
public final class BenchCaCommand implements Callable<Integer> {

    @Mixin
    OutputOptions output;

    @Option(names = "--seconds", defaultValue = "5", description = "Measured seconds per figure (default ${DEFAULT-VALUE}).")
    int seconds;

    @Option(names = "--warmup", defaultValue = "2", description = "Warm-up seconds per figure (default ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--threads", defaultValue = "1", description = "Concurrent callers for every figure (default ${DEFAULT-VALUE}).")
    int threads;

    private static final TrustDomain TD = TrustDomain.parse("bench.example");
    private static final int POOL = 64;

    @FunctionalInterface
    interface Op {
        void run(int thread, long i) throws Exception;
    }

    @Override
    public Integer call() throws Exception {
        if (seconds < 1 || warmup < 0 || threads < 1) {
            output.error("--seconds >= 1, --warmup >= 0 and --threads >= 1 are required");
            return ExitCode.USAGE;
        }
        SecureRandom random = new SecureRandom();
        InstantSource clock = InstantSource.system();
        BouncyCastleCertificateSigner signer = new BouncyCastleCertificateSigner();
        List<KeyPair> keys = Stream.generate(() -> KeyAlgorithm.EC_P256.generate(random)).limit(POOL).toList();
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("benchmark", "ca");
        doc.put("threads", threads);
        doc.put("seconds", seconds);

        byte[] message = new byte[400]; // about the size of a leaf's TBSCertificate
        random.nextBytes(message);
        double raw = rate(threads, (t, i) -> {
            Signature s = Signature.getInstance("SHA256withECDSA");
            s.initSign(keys.get(t % POOL).getPrivate(), random);
            s.update(message);
            s.sign();
        });
        doc.put("raw_ecdsa_p256_signatures_per_s", raw);

        CertificateAuthority ca = new CertificateAuthority(CaSettings.defaults(TD, "bench"), signer, AuthorityStore.inMemory(),
                clock, random);
        List<PublicKey> publicKeys = keys.stream().map(KeyPair::getPublic).toList();
        double inProcess = rate(threads, (t, i) -> ca.issue(SpiffeId.ofIdentity(TD, NumericIdentity.of(256 + (int) (i % 60000))),
                publicKeys.get((int) (i % POOL)), Duration.ZERO));
        doc.put("inprocess_svids_per_s", inProcess);
        doc.put("inprocess_to_raw", inProcess / raw);

        double grpc = grpc(random, signer, keys);
        doc.put("grpc_svids_per_s", grpc);
        doc.put("grpc_to_raw", grpc / raw);
        doc.put("target_met", inProcess / raw >= 0.5 && grpc / raw >= 0.5);

        double handshakes = handshakes(ca, random, clock);
        doc.put("tls13_handshakes_per_s", handshakes);
        doc.put("handshake_to_raw", handshakes / raw);
        doc.put("cpus", Runtime.getRuntime().availableProcessors());
        doc.put("load_average_1m", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        if (output.json()) {
            Json.print(output.out(), doc);
        } else {
            Table t = new Table("MEASURE", "VALUE");
            doc.forEach((k, v) -> t.row(k, v instanceof Double d ? String.format("%.2f", d) : v));
            t.print(output.out());
            output.out().flush();
        }
        return ExitCode.OK;
    }

    /** SignSvid calls with pre-made CSRs over one mTLS channel, as an attested node. */
    private double grpc(SecureRandom random, BouncyCastleCertificateSigner signer, List<KeyPair> keys) throws Exception {
        Path dir = Files.createTempDirectory("bulwark-bench-ca");
        List<SignSvidRequest> requests = new ArrayList<>();
        Set<SpiffeId> allowed = new java.util.HashSet<>();
        for (int i = 0; i < POOL; i++) {
            SpiffeId id = SpiffeId.ofIdentity(TD, NumericIdentity.of(256 + i));
            allowed.add(id);
            requests.add(SignSvidRequest.newBuilder().setIdentity(256 + i)
                    .setCsrDer(ByteString.copyFrom(signer.createRequest(keys.get(i), id))).build());
        }
        MeshCaConfig config = new MeshCaConfig(CaSettings.defaults(TD, "bench"), dir, "127.0.0.1", 0, 1e9, 1_000_000);
        List<ManagedChannel> channels = new ArrayList<>();
        try (MeshCaServer server = new MeshCaServer(config, new AllowListAuthorizer(Map.of("bench-node", allowed)),
                () -> BundleSet.EMPTY, InstantSource.system(), random)) {
            ManagedChannel bootstrap = channel(server, null, channels);
            X509Svid node = new MeshCaClient(bootstrap, signer, KeyAlgorithm.EC_P256, random)
                    .attestWithJoinToken(TD, "bench-node", server.joinTokens().issue("bench-node", Duration.ofMinutes(1)));
            var stub = MeshCAGrpc.newBlockingStub(channel(server, node, channels));
            return rate(threads, (t, i) -> stub.signSvid(requests.get((int) (i % POOL))));
        } finally {
            channels.forEach(ManagedChannel::shutdownNow);
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    private static ManagedChannel channel(MeshCaServer server, X509Svid svid, List<ManagedChannel> channels) {
        MeshTls tls = new MeshTls(svid == null ? null : () -> svid, server::ownBundle, PeerCheck.trustDomains(Set.of(TD)),
                InstantSource.system());
        ManagedChannel ch = Grpc.newChannelBuilderForAddress("127.0.0.1", server.port(), tls.channelCredentials()).build();
        channels.add(ch);
        return ch;
    }

    /** Full TLS 1.3 handshakes with client certificates (sessions invalidated, so none is resumed). */
    private double handshakes(CertificateAuthority ca, SecureRandom random, InstantSource clock) throws Exception {
        X509Svid serverSvid = svid(ca, "/identity/1001", random);
        X509Svid clientSvid = svid(ca, "/identity/1002", random);
        SSLContext serverCtx = new MeshTls(() -> serverSvid, () -> BundleSet.of(ca.bundle()), PeerCheck.anyValid(), clock).sslContext();
        SSLContext clientCtx = new MeshTls(() -> clientSvid, () -> BundleSet.of(ca.bundle()), PeerCheck.anyValid(), clock).sslContext();
        ExecutorService acceptors = Executors.newCachedThreadPool();
        try (SSLServerSocket listener = (SSLServerSocket) serverCtx.getServerSocketFactory()
                .createServerSocket(0, 128, InetAddress.getLoopbackAddress())) {
            listener.setNeedClientAuth(true);
            listener.setEnabledProtocols(new String[] {"TLSv1.3"});
            acceptors.execute(() -> {
                while (!listener.isClosed()) {
                    try {
                        SSLSocket s = (SSLSocket) listener.accept();
                        acceptors.execute(() -> {
                            try (s) {
                                s.startHandshake();
                                s.getSession().invalidate();
                                s.getOutputStream().write(1);
                                s.getOutputStream().flush();
                            } catch (IOException ignored) {
                                // the client went away; its side counts only completed handshakes
                            }
                        });
                    } catch (IOException e) {
                        return; // listener closed
                    }
                }
            });
            int port = listener.getLocalPort();
            return rate(threads, (t, i) -> {
                try (SSLSocket s = (SSLSocket) clientCtx.getSocketFactory().createSocket(InetAddress.getLoopbackAddress(), port)) {
                    s.setEnabledProtocols(new String[] {"TLSv1.3"});
                    s.startHandshake();
                    if (s.getInputStream().read() != 1) {
                        throw new IOException("server closed before confirming the handshake");
                    }
                    s.getSession().invalidate();
                }
            });
        } finally {
            acceptors.shutdownNow();
        }
    }

    private static X509Svid svid(CertificateAuthority ca, String path, SecureRandom random) {
        KeyPair kp = KeyAlgorithm.EC_P256.generate(random);
        IssuedSvid issued = ca.issue(new SpiffeId(TD, path), kp.getPublic(), Duration.ZERO);
        return new X509Svid(issued.id(), issued.chain(), kp.getPrivate());
    }

    /** Operations per second of {@code op} on {@code threads} threads over the measured window. */
    private double rate(int threads, Op op) throws Exception {
        long start = System.nanoTime();
        long measureFrom = start + Duration.ofSeconds(warmup).toNanos();
        long end = measureFrom + Duration.ofSeconds(seconds).toNanos();
        AtomicLong counted = new AtomicLong();
        List<Thread> workers = new ArrayList<>();
        List<Exception> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
        for (int t = 0; t < threads; t++) {
            int thread = t;
            workers.add(Thread.ofPlatform().name("bench-ca-" + t).start(() -> {
                long i = thread;
                try {
                    while (true) {
                        long now = System.nanoTime();
                        if (now >= end) {
                            return;
                        }
                        op.run(thread, i);
                        i += threads;
                        if (now >= measureFrom && System.nanoTime() <= end) {
                            counted.incrementAndGet();
                        }
                    }
                } catch (Exception e) {
                    failures.add(e);
                }
            }));
        }
        for (Thread w : workers) {
            w.join();
        }
        if (!failures.isEmpty()) {
            throw failures.getFirst();
        }
        return counted.get() / (double) seconds;
    }
}
