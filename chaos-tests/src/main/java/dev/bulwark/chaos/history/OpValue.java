package dev.bulwark.chaos.history;

/**
 * The value of an operation. Every field may be null: an invocation of {@code allocate} carries only
 * the key (the canonical label set); its {@code ok} completion adds the identity and the store revision.
 *
 * @param key      the canonical label set the operation is about, or null
 * @param id       the numeric identity returned (null: none, e.g. a read that found nothing)
 * @param revision the store revision reported with the answer, or null
 * @param detail   free text: a watch change type, a nemesis target description, a phase name
 */
public record OpValue(String key, Long id, Long revision, String detail) {

    public static final OpValue NONE = new OpValue(null, null, null, null);

    public static OpValue ofKey(String key) {
        return new OpValue(key, null, null, null);
    }

    public static OpValue ofDetail(String detail) {
        return new OpValue(null, null, null, detail);
    }

    public OpValue withId(Long newId, Long newRevision) {
        return new OpValue(key, newId, newRevision, detail);
    }
}
