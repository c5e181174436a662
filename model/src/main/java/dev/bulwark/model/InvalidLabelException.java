package dev.bulwark.model;

/**
 * A label or label set broke a validation rule. The message says which rule and quotes the offending
 * text; {@link #at(String)} prefixes the field path so the final message names the field, e.g.
 * {@code label_sets[0].labels[2]: key "Foo bar": must match [A-Za-z0-9._-] ...}.
 */
public final class InvalidLabelException extends IllegalArgumentException {

    public InvalidLabelException(String message) {
        super(message);
    }

    /**
     * The same error, located at {@code path}. A message that already starts with a nested location
     * ({@code [1]: ...}) is appended to the path directly: {@code labels} + {@code [1]: x} = {@code labels[1]: x}.
     */
    public InvalidLabelException at(String path) {
        String message = getMessage();
        return new InvalidLabelException(message.startsWith("[") ? path + message : path + ": " + message);
    }
}
