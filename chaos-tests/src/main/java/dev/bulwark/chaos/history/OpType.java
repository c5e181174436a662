package dev.bulwark.chaos.history;

import java.util.Locale;

/**
 * What a history line records. A completion is {@link #OK} (it happened), {@link #FAIL} (it definitely
 * did not happen) or {@link #INFO} (unknown: it may take effect at any time after its invocation, or never).
 */
public enum OpType {
    INVOKE, OK, FAIL, INFO;

    /** The lowercase name used in the JSONL file. */
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static OpType ofWire(String s) {
        return valueOf(s.toUpperCase(Locale.ROOT));
    }

    public boolean isCompletion() {
        return this != INVOKE;
    }
}
