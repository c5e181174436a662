package dev.bulwark.agent.netns;

import dev.bulwark.agent.datapath.bpf.Syscalls;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.regex.Pattern;

/**
 * A named network namespace ({@code ip netns add}, bind-mounted at /run/netns/NAME). Code runs inside it
 * on a dedicated platform thread that setns()es first: sockets created there belong to the namespace
 * for their whole life, whichever thread uses them later. Commands run through {@code nsenter --net}
 * (never {@code ip netns exec}, which remounts /sys and hides bpffs pins). Closing deletes it.
 */
public final class NetworkNamespace implements AutoCloseable {

    private static final Pattern NAME = Pattern.compile("[a-z0-9-]{1,40}");
    private final String name;

    private NetworkNamespace(String name) {
        this.name = name;
    }

    /** Creates namespace {@code name} with loopback up; an existing one of that name is replaced. */
    public static NetworkNamespace create(String name) {
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("netns name \"" + name + "\": expected 1-40 of [a-z0-9-]");
        }
        if (Files.exists(Path.of("/run/netns", name))) {
            HostCommand.tryRun("ip", "netns", "delete", name);
        }
        HostCommand.run("ip", "netns", "add", name);
        NetworkNamespace ns = new NetworkNamespace(name);
        ns.exec("ip", "link", "set", "lo", "up");
        return ns;
    }

    public String name() {
        return name;
    }

    public Path path() {
        return Path.of("/run/netns", name);
    }

    /** Runs a command inside the namespace (network namespace only). */
    public String exec(String... argv) {
        List<String> cmd = new ArrayList<>(List.of("nsenter", "--net=" + path()));
        cmd.addAll(List.of(argv));
        return HostCommand.run(cmd);
    }

    /** Runs {@code body} on a fresh platform thread inside the namespace and returns its result. */
    public <T> T call(Callable<T> body) {
        return callIn(path(), body);
    }

    /** Runs {@code body} on a fresh platform thread inside the network namespace file {@code nsPath}. */
    public static <T> T callIn(Path nsPath, Callable<T> body) {
        String name = nsPath.getFileName().toString();
        FutureTask<T> task = new FutureTask<>(() -> {
            int fd = Syscalls.open(nsPath.toString(), 0x80000);
            try {
                Syscalls.setNetns(fd);
            } finally {
                Syscalls.close(fd);
            }
            return body.call();
        });
        Thread t = Thread.ofPlatform().name("netns-" + name).start(task);
        try {
            return task.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            t.interrupt();
            throw new IllegalStateException("interrupted in netns " + name, e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException("in netns " + name + ": " + e.getCause(), e.getCause());
        }
    }

    /** Deletes the namespace (its interfaces go with it). Idempotent. */
    @Override
    public void close() {
        HostCommand.tryRun("ip", "netns", "delete", name);
    }

    /** Deletes every namespace whose name starts with {@code prefix} (leftovers of a killed run). */
    public static void deleteAll(String prefix) {
        Path dir = Path.of("/run/netns");
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (var s = Files.list(dir)) {
            s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(prefix))
                    .forEach(n -> HostCommand.tryRun("ip", "netns", "delete", n));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
