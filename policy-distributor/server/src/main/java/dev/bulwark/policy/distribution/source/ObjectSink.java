package dev.bulwark.policy.distribution.source;

import java.util.Collection;

/**
 * Receives cluster objects from a source. Sources call it from their own threads; implementations
 * serialize internally.
 */
public interface ObjectSink {

    /** An object was added or changed. */
    void upsert(KubeObject object);

    /** An object is gone. */
    void delete(KubeObject.Key key);

    /**
     * The complete current set of one kind (an initial list, a relist after a restart, a directory
     * rescan): objects of that kind not in {@code objects} are gone.
     */
    void replaceAll(ObjectKind kind, Collection<KubeObject> objects);

    /** A manifest was rejected: nothing of it was applied. */
    default void rejected(String where, String problem) {
    }
}
