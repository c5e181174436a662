package dev.bulwark.cli.identity;

import dev.bulwark.cli.ExitCode;
import dev.bulwark.cli.Json;
import dev.bulwark.cli.OutputOptions;
import dev.bulwark.identity.client.IdentityClient;
import dev.bulwark.proto.identity.v1.IdentityChange;
import dev.bulwark.proto.identity.v1.IdentitySnapshot;
import dev.bulwark.proto.identity.v1.WatchResponse;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code bulwark identity watch}: print every identity change from a revision on, then follow live. */
@Command(name = "watch", description = {"Print identity changes with revision > --from, then follow live changes until interrupted.",
        "--from 0 starts with the whole table (one snapshot line), as does a revision older than the retained history."})
final class WatchCommand implements Callable<Integer> {

    @Mixin
    OutputOptions output;
    @Mixin
    ClientOptions client;

    @Option(names = "--from", defaultValue = "0", description = "resume after this revision (default ${DEFAULT-VALUE}: snapshot first)")
    long from;

    @Option(names = "--count", defaultValue = "0", description = "stop after this many changes (0 = never)")
    long count;

    @Override
    public Integer call() throws Exception {
        LinkedBlockingQueue<Object> events = new LinkedBlockingQueue<>();
        try (IdentityClient c = client.connect()) {
            AutoCloseable watch = c.watch(from, new StreamObserver<>() {
                @Override
                public void onNext(WatchResponse value) {
                    events.add(value);
                }

                @Override
                public void onError(Throwable t) {
                    events.add(t);
                }

                @Override
                public void onCompleted() {
                    events.add(Status.OK);
                }
            });
            try {
                long seen = 0;
                IdentitySnapshot.Builder snapshot = IdentitySnapshot.newBuilder();
                while (count == 0 || seen < count) {
                    Object e = events.take();
                    if (e instanceof Throwable t) {
                        return ClientOptions.fail(output, t instanceof StatusRuntimeException s ? s : Status.fromThrowable(t).asRuntimeException());
                    }
                    if (e == Status.OK) {
                        return ExitCode.OK;
                    }
                    WatchResponse w = (WatchResponse) e;
                    if (w.hasSnapshot()) {
                        snapshot.mergeFrom(w.getSnapshot());
                        if (!w.getSnapshot().getMore()) { // a large table comes in parts: print it whole
                            printSnapshot(snapshot.setMore(false).build());
                            snapshot.clear();
                        }
                    } else if (w.hasChanges()) {
                        for (IdentityChange change : w.getChanges().getChangesList()) {
                            if (count != 0 && seen >= count) {
                                break;
                            }
                            print(change);
                            seen++;
                        }
                    } else {
                        print(w.getChange());
                        seen++;
                    }
                }
                return ExitCode.OK;
            } finally {
                watch.close();
            }
        }
    }

    private void printSnapshot(IdentitySnapshot snapshot) {
        if (output.json()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("snapshot_revision", snapshot.getRevision());
            m.put("identities", snapshot.getIdentitiesList().stream().map(IdentityJson::identity).toList());
            Json.print(output.out(), m);
        } else {
            output.out().printf("snapshot at revision %d: %d identities%n", snapshot.getRevision(),
                    snapshot.getIdentitiesCount());
            snapshot.getIdentitiesList().forEach(i -> output.out().printf("  %d %s%n", i.getId(), IdentityJson.text(i.getLabels())));
            output.out().flush();
        }
    }

    private void print(IdentityChange c) {
        if (output.json()) {
            Json.print(output.out(), IdentityJson.change(c));
        } else {
            output.out().printf("%d %s %d %s%n", c.getRevision(),
                    c.getType() == dev.bulwark.proto.identity.v1.ChangeType.CHANGE_TYPE_ALLOCATED ? "allocated" : "released",
                    c.getIdentity().getId(), IdentityJson.text(c.getIdentity().getLabels()));
            output.out().flush();
        }
    }
}
