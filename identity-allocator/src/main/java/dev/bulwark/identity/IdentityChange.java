package dev.bulwark.identity;

/**
 * One watchable change: an identity allocated or released, at its revision.
 *
 * @param revision strictly increasing, one per change, never reused
 * @param type     what happened
 * @param identity the identity as it was at this revision (for a release: as it was when removed)
 */
public record IdentityChange(long revision, Type type, IdentityRecord identity) {

    public enum Type { ALLOCATED, RELEASED }
}
