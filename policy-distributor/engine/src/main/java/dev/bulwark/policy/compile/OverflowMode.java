package dev.bulwark.policy.compile;

/** What an endpoint gets when its desired map state exceeds the entry limit. */
public enum OverflowMode {
    /** Keep the last state that fit (an endpoint that never fit is locked down). */
    KEEP_LAST_GOOD,
    /** Install an empty map: every flow of the endpoint is dropped until the state fits again. */
    LOCKDOWN
}
