package dev.bulwark.cli;

/** {@code --output}: a table for people or JSON for scripts. */
public enum OutputFormat {
    table, json
}
