package dev.bulwark.chaos.checker;

/** A checker's verdict. UNKNOWN means the history did not contain enough to decide (e.g. no final reads). */
public enum Validity {
    VALID, UNKNOWN, INVALID;

    /** The worse of two verdicts: INVALID beats UNKNOWN beats VALID. */
    public Validity and(Validity other) {
        return this.ordinal() >= other.ordinal() ? this : other;
    }
}
