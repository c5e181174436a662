package dev.bulwark.chaos.checker;

import dev.bulwark.chaos.history.History;

/** Judges a complete history. Implementations are pure and thread-safe. */
public interface Checker {

    /** The name used in reports and JSON output. */
    String name();

    CheckResult check(History history);
}
