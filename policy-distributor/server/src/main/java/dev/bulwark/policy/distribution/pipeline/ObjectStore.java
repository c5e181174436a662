package dev.bulwark.policy.distribution.pipeline;

import dev.bulwark.policy.distribution.source.KubeObject;
import dev.bulwark.policy.distribution.source.ObjectKind;
import dev.bulwark.policy.distribution.source.ObjectSink;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The distributor's view of cluster objects, fed by any source. Thread-safe (one monitor): sources call
 * it from their own threads. Each effective change bumps a counter and wakes the {@link Runnable} given
 * at construction; re-announcing an unchanged object changes nothing and wakes nobody.
 */
public final class ObjectStore implements ObjectSink {

    /** A manifest or object that was rejected, with the problem. */
    public record Rejection(String where, String problem) {
    }

    private final Map<KubeObject.Key, KubeObject> objects = new HashMap<>();
    private final List<Rejection> rejections = new ArrayList<>();
    private final Runnable onChange;
    private long changes;

    public ObjectStore(Runnable onChange) {
        this.onChange = onChange;
    }

    @Override
    public void upsert(KubeObject object) {
        boolean changed;
        synchronized (this) {
            changed = !object.equals(objects.put(object.key(), object));
            if (changed) {
                changes++;
            }
        }
        if (changed) {
            onChange.run();
        }
    }

    @Override
    public void delete(KubeObject.Key key) {
        boolean changed;
        synchronized (this) {
            changed = objects.remove(key) != null;
            if (changed) {
                changes++;
            }
        }
        if (changed) {
            onChange.run();
        }
    }

    @Override
    public void replaceAll(ObjectKind kind, Collection<KubeObject> all) {
        boolean changed = false;
        synchronized (this) {
            Set<KubeObject.Key> keep = new HashSet<>();
            for (KubeObject o : all) {
                keep.add(o.key());
                changed |= !o.equals(objects.put(o.key(), o));
            }
            changed |= objects.keySet().removeIf(k -> k.kind() == kind && !keep.contains(k));
            if (changed) {
                changes++;
            }
        }
        if (changed) {
            onChange.run();
        }
    }

    @Override
    public synchronized void rejected(String where, String problem) {
        rejections.add(new Rejection(where, problem));
        if (rejections.size() > 1000) {
            rejections.removeFirst();
        }
    }

    /** Every object of {@code kind}. */
    public synchronized List<KubeObject> all(ObjectKind kind) {
        return objects.values().stream().filter(o -> o.kind() == kind).toList();
    }

    public synchronized Map<KubeObject.Key, KubeObject> snapshot() {
        return Map.copyOf(objects);
    }

    public synchronized long changes() {
        return changes;
    }

    public synchronized List<Rejection> rejections() {
        return List.copyOf(rejections);
    }
}
