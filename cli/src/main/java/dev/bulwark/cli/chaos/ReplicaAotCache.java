package dev.bulwark.cli.chaos;

import dev.bulwark.identity.client.IdentityClient;
import dev.bulwark.model.Label;
import dev.bulwark.model.LabelSet;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * An ahead-of-time cache (JDK 25 {@code -XX:AOTCacheOutput}/{@code -XX:AOTCache}: classes loaded and
 * linked, method profiles) for the replica JVMs of one chaos run. A restarted replica spends most of its
 * start-up loading and linking about 5,700 classes (Ratis, gRPC, Netty, picocli); with the cache it
 * needs about 40 % less CPU to come up (measured 3.7-4.2 s without, 2.3-2.4 s with, load 22-34), which is
 * what decides how soon a killed replica is a working voter again on a busy machine.
 *
 * <p>Training: one replica as a single-member group on loopback, a few allocations and lookups through
 * the public client, then SIGTERM; the JVM writes the cache on exit. Everything is best effort: when
 * training fails the run goes on without a cache (and says so on stderr). The JVM checks the cache
 * against its own class path and version and ignores a cache that does not match, with a warning.
 */
final class ReplicaAotCache {

    /** The longest training may take, start to cache written; past it the run goes on without. */
    static final Duration TRAINING_LIMIT = Duration.ofSeconds(120);

    private ReplicaAotCache() {
    }

    /**
     * Trains a cache for {@code launcher} (java, flags, -cp, main class) into {@code dir}/replica.aot.
     *
     * @return the cache, or empty when training failed
     */
    static Optional<Path> train(List<String> launcher, Path dir) {
        Path cache = dir.resolve("replica.aot");
        Path data = dir.resolve("aot-training");
        Path log = dir.resolve("aot-training.log");
        Process process = null;
        try {
            Files.createDirectories(data);
            int port = freePortPair();
            List<String> cmd = new ArrayList<>(launcher);
            cmd.add(1, "-XX:AOTCacheOutput=" + cache);
            cmd.addAll(List.of("allocator", "start", "--id", "aot", "--peers", "aot=127.0.0.1:" + port,
                    "--data", data.toString(), "--cluster-id", "1"));
            long until = System.nanoTime() + TRAINING_LIMIT.toNanos();
            process = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            exercise("127.0.0.1:" + port);
            process.destroy(); // SIGTERM: a normal JVM exit, which writes the cache.
            long left = Math.max(1, until - System.nanoTime());
            if (!process.waitFor(left, TimeUnit.NANOSECONDS) || !Files.isRegularFile(cache)) {
                System.err.println("chaos run: no AOT cache for the replicas (training did not finish, see " + log
                        + "); they start without one");
                return Optional.empty();
            }
            return Optional.of(cache);
        } catch (IOException | RuntimeException e) {
            System.err.println("chaos run: no AOT cache for the replicas (" + e.getMessage() + "); they start without one");
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        } finally {
            if (process != null && process.isAlive()) {
                process.destroyForcibly();
            }
            try {
                deleteTree(data);
            } catch (UncheckedIOException e) {
                System.err.println("chaos run: " + e.getMessage());
            }
        }
    }

    /** The calls a replica serves in a run: allocations (Raft writes) and linearizable lookups. */
    private static void exercise(String address) {
        IdentityClient.Options options = new IdentityClient.Options(Duration.ofSeconds(5),
                Duration.ofSeconds(50), Duration.ofMillis(50), Duration.ofMillis(500));
        try (IdentityClient client = IdentityClient.connect(List.of(address), options)) {
            for (int i = 0; i < 200; i++) {
                LabelSet set = LabelSet.of(Label.k8s("app", "aot-" + i % 50), Label.k8s("io.kubernetes.pod.namespace", "aot"));
                client.allocate("aot-training", List.of(set));
                client.lookup(set);
            }
        }
    }

    /** A loopback port P with P+1 (Raft) also free at the time of asking. */
    private static int freePortPair() throws IOException {
        for (int attempt = 0; attempt < 20; attempt++) {
            int port;
            try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                port = s.getLocalPort();
            }
            if (port < 65_000) {
                try (ServerSocket raft = new ServerSocket(port + 1, 1, InetAddress.getLoopbackAddress())) {
                    if (raft.isBound()) {
                        return port;
                    }
                } catch (IOException taken) {
                    // try another pair
                }
            }
        }
        throw new IOException("no free loopback port pair for the AOT training replica");
    }

    private static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete the AOT training data " + dir, e);
        }
    }
}
