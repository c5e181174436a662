package dev.bulwark.identity.bench;

import dev.bulwark.identity.server.IdentityAllocatorConfig;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A real 3-member etcd (the Debian {@code etcd} binary) on loopback ports with its data under
 * {@code dir}, started as child processes and stopped (by process handle) on close.
 */
final class EtcdCluster implements AutoCloseable {

    private final List<Process> processes = new ArrayList<>();
    private final List<String> clientUrls = new ArrayList<>();

    EtcdCluster(Path dir, int members) throws IOException, InterruptedException {
        List<Integer> clientPorts = new ArrayList<>();
        List<Integer> peerPorts = new ArrayList<>();
        StringBuilder initial = new StringBuilder();
        for (int i = 0; i < members; i++) {
            int p = IdentityAllocatorConfig.freePortPair();
            clientPorts.add(p);
            peerPorts.add(p + 1);
            initial.append(i == 0 ? "" : ",").append("e").append(i).append("=http://127.0.0.1:").append(p + 1);
        }
        try {
            for (int i = 0; i < members; i++) {
                Path data = dir.resolve("etcd" + i);
                Files.createDirectories(data);
                String client = "http://127.0.0.1:" + clientPorts.get(i);
                String peer = "http://127.0.0.1:" + peerPorts.get(i);
                clientUrls.add(client);
                processes.add(new ProcessBuilder("etcd", "--name", "e" + i, "--data-dir", data.toString(),
                        "--listen-client-urls", client, "--advertise-client-urls", client,
                        "--listen-peer-urls", peer, "--initial-advertise-peer-urls", peer,
                        "--initial-cluster-token", "bulwark-bench", "--initial-cluster-state", "new",
                        "--initial-cluster", initial.toString(), "--logger", "zap", "--log-level", "error")
                        .redirectErrorStream(true).redirectOutput(dir.resolve("etcd" + i + ".log").toFile()).start());
            }
            awaitHealthy(Duration.ofSeconds(30));
        } catch (IOException | InterruptedException | RuntimeException e) {
            close();
            throw e;
        }
    }

    /** The member processes (for their CPU time). */
    List<ProcessHandle> processes() {
        return processes.stream().map(Process::toHandle).toList();
    }

    /** Client URLs, {@code http://127.0.0.1:port}, one per member. */
    List<String> clientUrls() {
        return clientUrls;
    }

    private void awaitHealthy(Duration timeout) throws IOException, InterruptedException {
        HttpClient http = HttpClient.newHttpClient();
        long end = System.nanoTime() + timeout.toNanos();
        for (String url : clientUrls) {
            while (true) {
                try {
                    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url + "/health")).build(),
                            HttpResponse.BodyHandlers.ofString());
                    if (r.statusCode() == 200 && r.body().contains("true")) {
                        break;
                    }
                } catch (IOException notYet) {
                    // starting
                }
                if (System.nanoTime() > end) {
                    throw new IOException("etcd at " + url + " not healthy within " + timeout);
                }
                Thread.sleep(100);
            }
        }
    }

    @Override
    public void close() {
        for (Process p : processes) {
            p.destroy();
        }
        for (Process p : processes) {
            try {
                if (!p.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            } catch (InterruptedException e) {
                p.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }
}
