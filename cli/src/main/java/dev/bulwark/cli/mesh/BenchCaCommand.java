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
 * two SVID holders over loopback. Each figure is operations per second over {@code --seconds}, measured
 * in {@code --rounds} interleaved slices after {@code --warmup}: the CPU-bound figures with {@code --threads}
 * callers, the network ones with {@code --concurrency} (latency-bound callers need more in flight to fill
 * the machine).
 */
@Command(name = "ca", description = {
        "SVIDs issued per second in-process and over gRPC (MeshCA on loopback mTLS) as a ratio of raw ECDSA",
        "P-256 signatures per second measured in the same run (target >= 50 %%), and TLS 1.3 handshakes per second",
        "between two peers presenting SVIDs (JSSE, loopback, full handshakes with client certificates).",
        "Raw and in-process figures use --threads callers (default: one per CPU); gRPC and handshakes use",
        "--concurrency callers, as many nodes would. The four figures are measured in interleaved rounds."})
public final class BenchCaCommand implements Callable<Integer> {

    @Mixin
    OutputOptions output;

    @Option(names = "--seconds", defaultValue = "10", description = "Measured seconds per figure (default ${DEFAULT-VALUE}).")
    int seconds;

    @Option(names = "--warmup", defaultValue = "2", description = "Warm-up seconds per figure (default ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--threads", description = "Callers for the raw and in-process figures (default: the number of CPUs).")
    int threads = Runtime.getRuntime().availableProcessors();

    @Option(names = "--concurrency", defaultValue = "16",
            description = "Callers for the gRPC and handshake figures, i.e. requests in flight (default ${DEFAULT-VALUE}).")
    int concurrency;

    @Option(names = "--rounds", defaultValue = "5", description = "Interleaved rounds the measured seconds are split into (default ${DEFAULT-VALUE}).")
    int rounds;

    private final AtomicLong sequence = new AtomicLong();

    private static final TrustDomain TD = TrustDomain.parse("bench.example");
    private static final int POOL = 64;

    @FunctionalInterface
    interface Op {
        void run(int thread, long i) throws Exception;
    }

    @Override
    public Integer call() throws Exception {
        if (seconds < 1 || warmup < 0 || threads < 1 || rounds < 1 || concurrency < 1) {
            output.error("--seconds >= 1, --warmup >= 0, --threads >= 1, --concurrency >= 1 and --rounds >= 1 are required");
            return ExitCode.USAGE;
        }
        SecureRandom random = new SecureRandom();
        InstantSource clock = InstantSource.system();
        BouncyCastleCertificateSigner signer = new BouncyCastleCertificateSigner();
        List<KeyPair> keys = Stream.generate(() -> KeyAlgorithm.EC_P256.generate(random)).limit(POOL).toList();
        byte[] message = new byte[400]; // about the size of a leaf's TBSCertificate
        random.nextBytes(message);
        Op raw = (t, i) -> {
            Signature s = Signature.getInstance("SHA256withECDSA");
            s.initSign(keys.get(t % POOL).getPrivate(), random);
            s.update(message);
            s.sign();
        };
        CertificateAuthority ca = new CertificateAuthority(CaSettings.defaults(TD, "bench"), signer, AuthorityStore.inMemory(),
                clock, random);
        List<PublicKey> publicKeys = keys.stream().map(KeyPair::getPublic).toList();
        Op inProcess = (t, i) -> ca.issue(SpiffeId.ofIdentity(TD, NumericIdentity.of(256 + (int) (i % 60000))),
                publicKeys.get((int) (i % POOL)), Duration.ZERO);
        Path dir = Files.createTempDirectory("bulwark-bench-ca");
        List<ManagedChannel> channels = new ArrayList<>();
        ExecutorService acceptors = Executors.newCachedThreadPool();
        try (MeshCaServer server = meshCa(dir, random, signer);
             SSLServerSocket listener = tlsListener(ca, random, clock, acceptors)) {
            Op grpc = grpc(server, random, signer, keys, channels);
            Op handshake = handshake(ca, random, clock, listener.getLocalPort());
            // Figures are measured in interleaved rounds, so that load from other processes falls on all of
            // them alike and the ratios stay meaningful on a busy machine.
            String[] names = {"raw", "inprocess", "grpc", "handshake"};
            Op[] ops = {raw, inProcess, grpc, handshake};
            int[] callers = {threads, threads, concurrency, concurrency};
            for (int k = 0; k < ops.length; k++) {
                rate(ops[k], callers[k], Duration.ofSeconds(warmup));
            }
            long[] counts = new long[ops.length];
            Duration slice = Duration.ofMillis(seconds * 1000L / rounds);
            for (int r = 0; r < rounds; r++) {
                for (int k = 0; k < ops.length; k++) {
                    counts[k] += rate(ops[k], callers[k], slice);
                }
            }
            double measured = slice.toMillis() * rounds / 1000.0;
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("benchmark", "ca");
            doc.put("threads", threads);
            doc.put("concurrency", concurrency);
            doc.put("seconds_per_figure", measured);
            doc.put("rounds", rounds);
            double rawRate = counts[0] / measured;
            doc.put("raw_ecdsa_p256_signatures_per_s", rawRate);
            doc.put("inprocess_svids_per_s", counts[1] / measured);
            doc.put("inprocess_to_raw", counts[1] / (double) counts[0]);
            doc.put("grpc_svids_per_s", counts[2] / measured);
            doc.put("grpc_to_raw", counts[2] / (double) counts[0]);
            doc.put("target_50pct_inprocess_met", counts[1] * 2 >= counts[0]);
            doc.put("target_50pct_grpc_met", counts[2] * 2 >= counts[0]);
            doc.put("tls13_handshakes_per_s", counts[3] / measured);
            doc.put("handshake_to_raw", counts[3] / (double) counts[0]);
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
        } finally {
            channels.forEach(ManagedChannel::shutdownNow);
            acceptors.shutdownNow();
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    private static MeshCaServer meshCa(Path dir, SecureRandom random, BouncyCastleCertificateSigner signer) throws IOException {
        Set<SpiffeId> allowed = new java.util.HashSet<>();
        for (int i = 0; i < POOL; i++) {
            allowed.add(SpiffeId.ofIdentity(TD, NumericIdentity.of(256 + i)));
        }
        MeshCaConfig config = new MeshCaConfig(CaSettings.defaults(TD, "bench"), dir, "127.0.0.1", 0, 1e9, 1_000_000);
        return new MeshCaServer(config, new AllowListAuthorizer(Map.of("bench-node", allowed)), () -> BundleSet.EMPTY,
                InstantSource.system(), random);
    }

    /** SignSvid calls with pre-made CSRs over one mTLS channel, as an attested node (the CA verifies each CSR). */
    private static Op grpc(MeshCaServer server, SecureRandom random, BouncyCastleCertificateSigner signer, List<KeyPair> keys,
                           List<ManagedChannel> channels) {
        List<SignSvidRequest> requests = new ArrayList<>();
        for (int i = 0; i < POOL; i++) {
            SpiffeId id = SpiffeId.ofIdentity(TD, NumericIdentity.of(256 + i));
            requests.add(SignSvidRequest.newBuilder().setIdentity(256 + i)
                    .setCsrDer(ByteString.copyFrom(signer.createRequest(keys.get(i), id))).build());
        }
        ManagedChannel bootstrap = channel(server, null, channels);
        X509Svid node = new MeshCaClient(bootstrap, signer, KeyAlgorithm.EC_P256, random)
                .attestWithJoinToken(TD, "bench-node", server.joinTokens().issue("bench-node", Duration.ofMinutes(1)));
        var stub = MeshCAGrpc.newBlockingStub(channel(server, node, channels));
        return (t, i) -> stub.signSvid(requests.get((int) (i % POOL)));
    }

    private static ManagedChannel channel(MeshCaServer server, X509Svid svid, List<ManagedChannel> channels) {
        MeshTls tls = new MeshTls(svid == null ? null : () -> svid, server::ownBundle, PeerCheck.trustDomains(Set.of(TD)),
                InstantSource.system());
        ManagedChannel ch = Grpc.newChannelBuilderForAddress("127.0.0.1", server.port(), tls.channelCredentials()).build();
        channels.add(ch);
        return ch;
    }

    /** A TLS 1.3 listener presenting an SVID and requiring one from clients; each connection on its own thread. */
    private static SSLServerSocket tlsListener(CertificateAuthority ca, SecureRandom random, InstantSource clock,
                                               ExecutorService acceptors) throws IOException {
        X509Svid serverSvid = svid(ca, "/identity/1001", random);
        SSLContext serverCtx = new MeshTls(() -> serverSvid, () -> BundleSet.of(ca.bundle()), PeerCheck.anyValid(), clock).sslContext();
        SSLServerSocket listener = (SSLServerSocket) serverCtx.getServerSocketFactory()
                .createServerSocket(0, 128, InetAddress.getLoopbackAddress());
        listener.setNeedClientAuth(true);
        listener.setEnabledProtocols(new String[] {"TLSv1.3"});
        acceptors.execute(() -> {
            while (!listener.isClosed()) {
                try {
                    SSLSocket s = (SSLSocket) listener.accept();
                    s.setTcpNoDelay(true); // without it, Nagle and delayed ACKs add ~40 ms to each handshake
                    acceptors.execute(() -> {
                        try (s) {
                            s.startHandshake();
                            s.getSession().invalidate();
                            s.getOutputStream().write(1);
                            s.getOutputStream().flush();
                        } catch (IOException ignored) {
                            // the client went away; only handshakes the client completed are counted
                        }
                    });
                } catch (IOException e) {
                    return; // listener closed
                }
            }
        });
        return listener;
    }

    /** One full TLS 1.3 handshake with client certificates (sessions invalidated, so none is resumed). */
    private static Op handshake(CertificateAuthority ca, SecureRandom random, InstantSource clock, int port) {
        X509Svid clientSvid = svid(ca, "/identity/1002", random);
        SSLContext clientCtx = new MeshTls(() -> clientSvid, () -> BundleSet.of(ca.bundle()), PeerCheck.anyValid(), clock).sslContext();
        return (t, i) -> {
            try (SSLSocket s = (SSLSocket) clientCtx.getSocketFactory().createSocket(InetAddress.getLoopbackAddress(), port)) {
                s.setEnabledProtocols(new String[] {"TLSv1.3"});
                s.setTcpNoDelay(true);
                s.startHandshake();
                if (s.getInputStream().read() != 1) {
                    throw new IOException("server closed before confirming the handshake");
                }
                s.getSession().invalidate();
            }
        };
    }

    private static X509Svid svid(CertificateAuthority ca, String path, SecureRandom random) {
        return X509Svid.issue(ca, new SpiffeId(TD, path), KeyAlgorithm.EC_P256, Duration.ZERO, random);
    }

    /** Operations of {@code op} completed on {@code threads} threads within {@code window}. */
    private long rate(Op op, int threads, Duration window) throws Exception {
        long end = System.nanoTime() + window.toNanos();
        AtomicLong counted = new AtomicLong();
        List<Thread> workers = new ArrayList<>();
        List<Exception> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
        for (int t = 0; t < threads; t++) {
            int thread = t;
            workers.add(Thread.ofPlatform().name("bench-ca-" + t).start(() -> {
                long i = thread + sequence.getAndAdd(1_000_000);
                try {
                    while (System.nanoTime() < end) {
                        op.run(thread, i);
                        i += threads;
                        if (System.nanoTime() <= end) {
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
        return counted.get();
    }
}
