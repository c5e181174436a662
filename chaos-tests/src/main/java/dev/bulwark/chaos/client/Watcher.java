package dev.bulwark.chaos.client;

import dev.bulwark.chaos.history.HistoryRecorder;
import dev.bulwark.chaos.history.Op;
import dev.bulwark.chaos.history.OpType;
import dev.bulwark.chaos.history.OpValue;
import dev.bulwark.proto.identity.v1.ChangeType;
import dev.bulwark.proto.identity.v1.Identity;
import dev.bulwark.proto.identity.v1.IdentityChange;
import dev.bulwark.proto.identity.v1.IdentityServiceGrpc;
import dev.bulwark.proto.identity.v1.WatchRequest;
import dev.bulwark.proto.identity.v1.WatchResponse;
import io.grpc.Context;
import java.util.Iterator;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One watcher: subscribes from the last revision it saw, records every change as a {@code watch-event}
 * line, and when the stream breaks records the subscription's completion ({@code fail}: a watch changes
 * nothing), retires its process and resubscribes on the next replica. Runs on its own thread until
 * {@link #stop()}.
 */
public final class Watcher implements Runnable {

    private final StoreClient client;
    private final HistoryRecorder history;
    private final AtomicLong revision = new AtomicLong();
    private volatile boolean stopping;
    private volatile Context.CancellableContext current;
    private int process;

    /** @param firstProcess the process id of the first subscription; later ones count up from it */
    public Watcher(StoreClient client, HistoryRecorder history, int firstProcess) {
        this.client = client;
        this.history = history;
        this.process = firstProcess;
    }

    /** The highest revision delivered so far. */
    public long revision() {
        return revision.get();
    }

    @Override
    public void run() {
        int node = 0;
        while (!stopping) {
            String target = client.nodes().get(node % client.nodes().size());
            long from = revision.get();
            history.append(OpType.INVOKE, process, Op.WATCH, new OpValue(null, null, from, target), null);
            Context.CancellableContext ctx = Context.current().withCancellation();
            current = ctx;
            try {
                ctx.run(() -> follow(target, from));
                history.append(OpType.OK, process, Op.WATCH, new OpValue(null, null, revision.get(), target), null);
            } catch (RuntimeException e) {
                client.channel(target).resetConnectBackoff();
                OpType type = stopping ? OpType.OK : OpType.FAIL;
                history.append(type, process, Op.WATCH, new OpValue(null, null, revision.get(), target),
                        stopping ? null : ErrorRules.classify(false, e).error());
            } finally {
                ctx.cancel(null);
            }
            process++;
            node++;
            if (!stopping) {
                try {
                    Thread.sleep(200);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }

    private void follow(String node, long from) {
        Iterator<WatchResponse> it = IdentityServiceGrpc.newBlockingStub(client.channel(node))
                .watch(WatchRequest.newBuilder().setFromRevision(from).build());
        while (it.hasNext() && !stopping) {
            WatchResponse r = it.next();
            if (r.hasSnapshot()) {
                long rev = r.getSnapshot().getRevision();
                for (Identity i : r.getSnapshot().getIdentitiesList()) {
                    event(i, rev, "snapshot");
                }
                if (!r.getSnapshot().getMore()) { // a snapshot in parts counts once its last part is in
                    revision.accumulateAndGet(rev, Math::max);
                }
            } else if (r.hasChange()) {
                change(r.getChange());
            } else if (r.hasChanges()) {
                r.getChanges().getChangesList().forEach(this::change);
            }
        }
    }

    private void change(IdentityChange c) {
        event(c.getIdentity(), c.getRevision(), c.getType() == ChangeType.CHANGE_TYPE_RELEASED ? "released" : "allocated");
        revision.accumulateAndGet(c.getRevision(), Math::max);
    }

    private void event(Identity i, long rev, String kind) {
        history.append(OpType.OK, process, Op.WATCH_EVENT,
                new OpValue(LabelSets.canonical(i.getLabels()), (long) i.getId(), rev, kind), null);
    }

    /** Ends the current subscription and the loop. */
    public void stop() {
        stopping = true;
        Context.CancellableContext ctx = current;
        if (ctx != null) {
            ctx.cancel(null);
        }
    }
}
