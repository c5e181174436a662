package dev.bulwark.policy.distribution.source;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A watched folder of YAML/JSON manifests (its own files only, not subfolders: {@code examples/} keeps
 * scenario files in subfolders). Every change triggers a rescan that hands the
 * sink the complete set of each kind, so added, edited and deleted files all converge the same way. A
 * file that fails to parse keeps contributing what it contributed before (the error is logged and
 * reported to the sink) — bad input changes nothing. One daemon thread watches and rescans.
 */
public final class DirectorySource implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DirectorySource.class);

    private final Path directory;
    private final ObjectSink sink;
    private final Duration settle;
    private final Map<Path, List<KubeObject>> lastGood = new HashMap<>();
    private final Map<Path, String> lastError = new HashMap<>();
    private WatchService watcher;
    private Thread thread;

    /** @param settle how long to wait after a file event before rescanning (editors write in bursts) */
    public DirectorySource(Path directory, ObjectSink sink, Duration settle) {
        if (!Files.isDirectory(directory)) {
            throw new IllegalArgumentException("manifest directory " + directory + " does not exist or is not a directory");
        }
        this.directory = directory;
        this.sink = sink;
        this.settle = settle;
    }

    /**
     * Watches, then scans once (synchronously). In this order a file written while the first scan runs
     * (after it listed the folder, or after it read that file) raises an event and is read again; the other
     * way round such a change was seen only with the next one, and after the last change of a quiet folder
     * never (a distributor restarted during a burst of changes kept a stale state: docs/chaos.md).
     */
    public synchronized void start() throws IOException {
        watcher = FileSystems.getDefault().newWatchService();
        register(directory);
        scan();
        thread = new Thread(this::watch, "directory-source");
        thread.setDaemon(true);
        thread.start();
    }

    private void register(Path dir) throws IOException {
        dir.register(watcher, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_DELETE,
                StandardWatchEventKinds.ENTRY_MODIFY);
    }

    private void watch() {
        try {
            while (true) {
                var key = watcher.take();
                key.pollEvents();
                key.reset();
                // Let a burst of writes settle, then drain what arrived meanwhile.
                Thread.sleep(settle.toMillis());
                for (var more = watcher.poll(); more != null; more = watcher.poll()) {
                    more.pollEvents();
                    more.reset();
                }
                synchronized (this) {
                    scan();
                }
            }
        } catch (InterruptedException | ClosedWatchServiceException e) {
            LOG.debug("directory source stopped");
        } catch (IOException e) {
            LOG.error("directory source failed watching {}", directory, e);
        }
    }

    /** Reads every manifest and hands the sink the complete set of each kind. */
    public synchronized void scan() throws IOException {
        List<Path> files;
        try (Stream<Path> walk = Files.list(directory)) {
            files = walk.filter(Files::isRegularFile).filter(DirectorySource::isManifest).sorted().toList();
        }
        lastGood.keySet().retainAll(files);
        for (Path file : files) {
            try {
                lastGood.put(file, ManifestParser.parse(Files.readString(file)));
                lastError.remove(file);
            } catch (IllegalArgumentException | IOException e) {
                String where = directory.relativize(file).toString();
                if (!e.getMessage().equals(lastError.put(file, e.getMessage()))) {
                    LOG.warn("{}: {} (nothing from this file changed)", where, e.getMessage());
                    sink.rejected(where, e.getMessage());
                }
            }
        }
        Map<ObjectKind, Map<KubeObject.Key, KubeObject>> byKind = new EnumMap<>(ObjectKind.class);
        for (ObjectKind kind : ObjectKind.values()) {
            byKind.put(kind, new LinkedHashMap<>());
        }
        for (Path file : files) {
            for (KubeObject o : lastGood.getOrDefault(file, List.of())) {
                KubeObject earlier = byKind.get(o.kind()).put(o.key(), o);
                if (earlier != null) {
                    sink.rejected(directory.relativize(file).toString(), o.key() + " is defined twice; the later file wins");
                }
            }
        }
        byKind.forEach((kind, objects) -> sink.replaceAll(kind, new ArrayList<>(objects.values())));
    }

    private static boolean isManifest(Path p) {
        String n = p.getFileName().toString();
        return n.endsWith(".yaml") || n.endsWith(".yml") || n.endsWith(".json");
    }

    @Override
    public synchronized void close() throws IOException {
        if (watcher != null) {
            watcher.close();
        }
        if (thread != null) {
            thread.interrupt();
            try {
                thread.join(TimeUnit.SECONDS.toMillis(2));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
